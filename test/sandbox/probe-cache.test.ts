// The sandbox verdict kept in the data dir (src/sandbox/probe-cache.ts): used only when it was made
// for this very host, ignored when it is anything else (stale, foreign, malformed, hostile), and
// never preferred to what this process probed itself.
import { chownSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findExecutable, forgetHostSandbox, hostFingerprint, keptSandboxAvailability, probeSandboxAvailability } from "../../src/sandbox/index.js";

let dir: string;
let file: string;
const PATH = process.env.PATH ?? "";
/** A verdict no probe could return: seeing it proves the kept file was used and nothing was run. */
const MARKER = { type: "none" as const, reason: "kept by the test" };

function keepRaw(content: unknown): void {
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
}

function kept(): { fingerprint: string; availability: unknown } {
  return JSON.parse(readFileSync(file, "utf8"));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-probe-cache-"));
  await mkdir(join(dir, "cache"));
  file = join(dir, "cache", "sandbox.json");
  forgetHostSandbox();
});

afterEach(async () => {
  forgetHostSandbox();
  await rm(dir, { recursive: true, force: true });
});

describe("keptSandboxAvailability", () => {
  it("probes once, keeps the verdict with this host's fingerprint, and a later process takes it without probing", async () => {
    const probed = await keptSandboxAvailability({ file });
    expect(probed).toMatchObject({ type: "bubblewrap", path: findExecutable("bwrap", PATH) });
    expect(kept()).toMatchObject({ format: 1, fingerprint: hostFingerprint(PATH), availability: probed });

    // As a new process sees it: nothing probed yet. The marker proves no probe ran.
    forgetHostSandbox();
    keepRaw({ ...kept(), availability: MARKER });
    expect(await keptSandboxAvailability({ file })).toEqual(MARKER);
  });

  it("probes again when the host changed: another bwrap on PATH, then that bwrap replaced", async () => {
    keepRaw({ format: 1, fingerprint: hostFingerprint(PATH), availability: MARKER });
    const bin = join(dir, "bin");
    await mkdir(bin);
    writeFileSync(join(bin, "bwrap"), "#!/bin/sh\necho 'bwrap: no namespaces for you' >&2\nexit 1\n", { mode: 0o755 });
    const path = `${bin}:${PATH}`;
    expect(hostFingerprint(path)).not.toBe(hostFingerprint(PATH));
    const refused = await keptSandboxAvailability({ file, path });
    expect(refused).toEqual({ type: "none", reason: "bwrap cannot create the sandbox here: bwrap: no namespaces for you" });
    expect(kept()).toMatchObject({ fingerprint: hostFingerprint(path), availability: refused });

    // The same path, another binary (an upgrade): the kept refusal is stale.
    forgetHostSandbox();
    writeFileSync(join(bin, "bwrap"), "#!/bin/sh\nexit 0\n\n", { mode: 0o755 });
    expect(await keptSandboxAvailability({ file, path })).toMatchObject({ type: "bubblewrap", path: join(bin, "bwrap") });
  });

  it("ignores a kept file that is malformed, foreign, or names another bwrap, and probes instead", async () => {
    const fingerprint = hostFingerprint(PATH)!;
    const real = await probeSandboxAvailability();
    const hostile: [string, () => void][] = [
      ["not JSON", () => keepRaw("{ nope")],
      ["another format", () => keepRaw({ format: 2, fingerprint, availability: MARKER })],
      ["another host", () => keepRaw({ format: 1, fingerprint: "0".repeat(64), availability: MARKER })],
      ["a bwrap that is not the one on PATH", () => keepRaw({ format: 1, fingerprint, availability: { type: "bubblewrap", path: join(dir, "evil"), mountProc: true, seccomp: true } })],
      ["a verdict of the wrong shape", () => keepRaw({ format: 1, fingerprint, availability: { type: "bubblewrap", path: findExecutable("bwrap", PATH), mountProc: "yes" } })],
      ["an empty reason", () => keepRaw({ format: 1, fingerprint, availability: { type: "none", reason: "" } })],
      ["a huge file", () => keepRaw({ format: 1, fingerprint, availability: MARKER, padding: "x".repeat(10_000) })],
      [
        "a link to a file elsewhere",
        () => {
          writeFileSync(join(dir, "elsewhere.json"), JSON.stringify({ format: 1, fingerprint, availability: MARKER }));
          symlinkSync(join(dir, "elsewhere.json"), file);
        },
      ],
      ["a directory", () => mkdirSync(file)],
      [
        "a file another user wrote",
        () => {
          keepRaw({ format: 1, fingerprint, availability: MARKER });
          chownSync(file, 65534, 65534);
        },
      ],
    ];
    for (const [what, plant] of hostile) {
      forgetHostSandbox();
      await rm(file, { recursive: true, force: true });
      plant();
      expect(await keptSandboxAvailability({ file }), what).toEqual(real);
    }
  });

  it("prefers what this process probed itself, and rewrites a kept verdict that disagrees", async () => {
    keepRaw({ format: 1, fingerprint: hostFingerprint(PATH), availability: MARKER });
    const live = await probeSandboxAvailability();
    expect(await keptSandboxAvailability({ file })).toEqual(live);
    expect(kept().availability).toEqual(live);
  });

  it("keeps nothing without a file, and still answers when the data dir cannot be written", async () => {
    expect(await keptSandboxAvailability({})).toMatchObject({ type: "bubblewrap" });
    forgetHostSandbox();
    // A file where the cache directory should be: nothing can be written under it.
    writeFileSync(join(dir, "blocker"), "");
    expect(await keptSandboxAvailability({ file: join(dir, "blocker", "sandbox.json") })).toMatchObject({ type: "bubblewrap" });
    // Nor is a half-written file left where it could be.
    forgetHostSandbox();
    await keptSandboxAvailability({ file });
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });
});
