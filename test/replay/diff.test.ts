// The divergence diff: the paths that differ, and for long strings the part where they differ.
import { describe, expect, it } from "vitest";
import { diffJson } from "../../src/replay/reexecute/index.js";

describe("diffJson", () => {
  it("shows short values whole", () => {
    expect(diffJson({ a: "x", b: 1 }, { a: "y", b: 1 })).toEqual([`a: recorded "x", now "y"`]);
  });

  it("shows where two long strings differ, not the prefix they share", () => {
    const prefix = "# AGENTS.md instructions\n".repeat(20);
    const recorded = `${prefix}Use spaces for indentation.${"\nmore text".repeat(20)}`;
    const now = `${prefix}Use tabs for indentation.${"\nmore text".repeat(20)}`;
    const [line] = diffJson({ text: recorded }, { text: now });
    expect(line).toContain("Use spaces");
    expect(line).toContain("Use tabs");
    // Both sides say where the shown part starts, so a reader can find it.
    expect(line).toMatch(/recorded \(from char \d+\) "…/);
    expect(line!.length).toBeLessThan(600);
  });

  it("shows a string that only grew at its end", () => {
    const base = "x".repeat(400);
    const [line] = diffJson(base, `${base}TAIL`);
    expect(line).toContain("TAIL");
  });

  it("shows long non-string values around their first difference too", () => {
    const items = Array.from({ length: 60 }, (_, i) => `item-${i}`);
    const changed = items.map((item, i) => (i === 45 ? "CHANGED" : item));
    const [line] = diffJson({ list: items.join(",") }, { list: changed.join(",") });
    expect(line).toContain("CHANGED");
    expect(line).toContain("item-45");
  });
});
