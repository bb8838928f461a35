// Version 3 records: payloads stored as edits of earlier ones read back byte for byte (key order,
// undefined keys, NaN, index-like keys, __proto__), from any starting seq; records that lie are
// refused with the reason.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/events/index.js";
import { CorruptEntryError } from "../../src/log/index.js";
import { RecordDecoder, RecordEncoder, RecordFormatError, WINDOW, decodeRecord } from "../../src/log/record-codec.js";

let state = 7;
function random(): number {
  state = (state * 1103515245 + 12345) & 0x7fffffff;
  return state / 0x7fffffff;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const LONG = Array.from({ length: 6 }, (_, i) => `long ${i} ${"é\n\"".repeat(20)}${"y".repeat(40 + i)}`);
const KEYS = ["a", "b", "text", "10", "0", "items", "nested", "z"];

function value(depth: number): unknown {
  const r = random();
  if (depth > 3 || r < 0.35) return pick<unknown>(["", "short", pick(LONG), 0, -1.5, 1e21, Number.NaN, true, null, undefined, "\u2028"]);
  if (r < 0.65) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
  const object: Record<string, unknown> = {};
  for (const key of KEYS) if (random() < 0.4) object[key] = value(depth + 1);
  return object;
}

/** `base` changed at a few random places (a copy: `base` is never modified). */
function mutate(base: unknown, depth = 0): unknown {
  if (typeof base !== "object" || base === null || random() < 0.15) return random() < 0.5 ? value(depth) : base;
  if (Array.isArray(base)) {
    const copy = base.map((item) => (random() < 0.3 ? mutate(item, depth + 1) : item));
    if (random() < 0.2) copy.push(value(depth + 1));
    if (random() < 0.1) copy.pop();
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(base)) {
    if (random() < 0.1) continue;
    copy[key] = random() < 0.3 ? mutate(item, depth + 1) : item;
  }
  if (random() < 0.2) copy[pick(KEYS)] = value(depth + 1);
  return copy;
}

const TS = ["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.250Z", "2025-06-01T10:00:00Z", "not a time"];

describe("record codec: payloads as edits of earlier ones", () => {
  it("reads back every entry exactly as JSON wrote it, from any seq", () => {
    const encoder = new RecordEncoder();
    const entries: LogEntry[] = [];
    const records: string[] = [];
    const latest = new Map<string, unknown>();
    for (let seq = 1; seq <= 3 * WINDOW; seq++) {
      const tool = pick(["x", "y", "z"]);
      const args = latest.has(tool) && random() < 0.8 ? mutate(latest.get(tool)) : value(0);
      latest.set(tool, args);
      const payload: Record<string, unknown> = { type: "dynamic_tool_call_request", callId: `c${seq % 4}`, turnId: pick(LONG), tool, arguments: args };
      if (random() < 0.2) payload.namespace = null;
      const entry = { v: 1, threadId: "t", seq, ts: pick(TS), kind: "event_msg", payload } as LogEntry;
      if (random() < 0.7) entry.sub = pick(["s1", "s2", LONG[0]]);
      entries.push(entry);
      // Appends of one to five entries, as a writer pipelines them.
      if (random() < 0.4 || seq === 3 * WINDOW) records.push(...encoder.encode(entries.slice(records.length)));
    }
    // The edits are exercised: many records start from an earlier one, and copy strings from others.
    expect(records.filter((r) => typeof JSON.parse(r)[3] === "number").length).toBeGreaterThan(records.length / 4);
    expect(records.filter((r) => /\[\[[^\]]*\],\d+,\d+\]/.test(r)).length).toBeGreaterThan(records.length / 4);
    for (const from of [1, 2, WINDOW - 1, WINDOW + 3, 2 * WINDOW, 3 * WINDOW]) {
      const decoder = new RecordDecoder("t");
      for (const record of records.slice(Math.max(0, from - 1 - WINDOW), from - 1)) decoder.prime(record);
      records.slice(from - 1).forEach((record, i) => {
        const raw = decoder.decode(record);
        const original = entries[from - 1 + i];
        // Byte for byte, in key order.
        expect(JSON.stringify(raw.payload)).toBe(JSON.stringify(original.payload));
        expect([raw.ts, raw.sub, raw.kind, raw.v]).toEqual([original.ts, original.sub, original.kind, original.v]);
      });
    }
  });

  it("keeps an index-like key and a __proto__ key where JSON.parse puts them", () => {
    const encoder = new RecordEncoder();
    const payloads = [
      { type: "dynamic_tool_call_request", callId: "c", turnId: "t", tool: "x", arguments: { b: 1, a: 2 } },
      { type: "dynamic_tool_call_request", callId: "c", turnId: "t", tool: "x", arguments: { b: 1, a: 2, 7: "seven" } },
      { type: "dynamic_tool_call_request", callId: "c", turnId: "t", tool: "x", arguments: JSON.parse('{"b":1,"__proto__":{"polluted":true},"a":2}') },
      { type: "dynamic_tool_call_request", callId: "c", turnId: "t", tool: "x", arguments: { a: 2, b: 1 } },
    ];
    const entries = payloads.map((payload, i) => ({ v: 1, threadId: "t", seq: i + 1, ts: TS[0], kind: "event_msg", payload }) as LogEntry);
    const records = encoder.encode(entries);
    const decoder = new RecordDecoder("t");
    records.forEach((record, i) => expect(JSON.stringify(decoder.decode(record).payload)).toBe(JSON.stringify(payloads[i])));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("refuses records that lie, naming what is wrong", () => {
    const decoder = new RecordDecoder("t");
    const good = '[1,1767225600000,2,{"type":"agent_message","message":"hello"},0,"sub-1"]';
    expect(decodeRecord(decoder, "t", 1, good).sub).toBe("sub-1");
    const bad = (json: string, seq = 2) => () => decodeRecord(decoder, "t", seq, json);
    expect(bad('[2,0,9,{"type":"agent_message","message":"x"}]')).toThrow(/unknown kind 9/);
    expect(bad('[2,0,2,{"type":"agent_message","message":"x"},5]')).toThrow(/ops are not a list/);
    expect(bad('[2,0,2,1,[[["__proto__","polluted"],true]]]')).toThrow(CorruptEntryError);
    expect(bad('[2,0,2,1,[[["message","deeper","still"],true]]]')).toThrow(/leads nowhere/);
    expect(bad('[2,0,2,1,[[["nothing"]]]]')).toThrow(/nothing to delete/);
    expect(bad('[2,0,2,1,[[["message"],1,["nope"]]]]')).toThrow(/does not lead to a value/);
    expect(bad('[2,0,2,1,[[["message"],1,0]]]')).toThrow(/does not lead to a value/);
    expect(bad('[2,0,1,{"id":5,"op":{"type":"interrupt"}},0,2]')).toThrow(/its id, which it does not have/);
    expect(bad('[2,1e300,2,{"type":"agent_message","message":"x"}]')).toThrow(/out of range/);
    expect(bad('[2,0,2,{"type":"agent_message","message":"x"},0,3]')).toThrow(/outside the/);
    expect(bad(`[${WINDOW + 1},0,2,1]`, WINDOW + 1)).toThrow(/outside the/);
    // A record that starts from one the reader never saw is out of reach (a read primes, then reports it).
    expect(bad("[3,0,2,2]", 3)).toThrow(RecordFormatError);
    // The sub of a record that has none.
    const plain = new RecordDecoder("t");
    decodeRecord(plain, "t", 1, '[1,0,2,{"type":"agent_message","message":"x"}]');
    expect(() => decodeRecord(plain, "t", 2, '[2,0,2,1,0,1]')).toThrow(/has none/);
  });
});
