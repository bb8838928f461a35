// The stored record format: long strings written once and referred to, read back exactly; refs that
// can only point at durable records written out in full; version 1 records still read.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../../src/events/index.js";
import { CorruptEntryError } from "../../src/log/index.js";
import { KEYFRAME, MIN_SHARED, OutOfReachError, RecordDecoder, RecordEncoder, RecordFormatError, WINDOW, decodeRecord } from "../../src/log/record-codec.js";

const long = (tag: string) => `${tag}:${"x".repeat(MIN_SHARED + 100)}`;
let seq = 0;
const entry = (text: string, extra: Record<string, unknown> = {}): LogEntry =>
  ({ v: 1, threadId: "t", seq: ++seq, ts: "2026-01-01T00:00:00.000Z", kind: "event_msg", payload: { type: "agent_message", message: text, ...extra } }) as LogEntry;

function readBack(records: string[], firstSeq = 1): LogEntry[] {
  const decoder = new RecordDecoder("t");
  return records.map((json, i) => decodeRecord(decoder, "t", firstSeq + i, json));
}

describe("record codec", () => {
  it("writes a repeated long string once and reads every entry back as it was appended", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const first = [entry(long("a")), entry(long("a"), { phase: long("b") })];
    const second = [entry(long("b")), entry("short"), entry(long("a"))];
    const records = [...encoder.encode(first), ...encoder.encode(second)];
    expect(records.join("").split(long("a")).length - 1).toBe(1);
    expect(records.join("").split(long("b")).length - 1).toBe(1);
    expect(readBack(records)).toEqual([...first, ...second]);
    // The thread id is the key's: records do not repeat it.
    expect(records.every((json) => !json.includes('"t"'))).toBe(true);
  });

  it("forgets what a failed write taught it: the seqs taken again write their strings out", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const kept = encoder.encode([entry(long("kept"))]);
    encoder.encode([entry(long("lost"))]);
    encoder.failed("t");
    seq = 1; // the failed seq is taken again
    const retried = encoder.encode([entry(long("lost"))]);
    expect(retried[0]).toContain(long("lost"));
    // Appended behind it (not yet durable either): it may refer to it, since it is written only if that is.
    const pipelined = encoder.encode([entry(long("lost"))]);
    expect(pipelined[0]).not.toContain(long("lost"));
    expect(readBack([...kept, ...retried, ...pipelined]).map((e) => (e.payload as { message: string }).message)).toEqual([long("kept"), long("lost"), long("lost")]);
  });

  it("an append that fails to encode leaves nothing behind to refer to", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const cyclic: Record<string, unknown> = { key: long("c") };
    cyclic.self = cyclic;
    const bad = { ...entry(long("gone")), payload: { type: "dynamic_tool_call_request", callId: "c", turnId: "t", tool: "x", arguments: cyclic } } as LogEntry;
    seq = 0;
    expect(() => encoder.encode([entry(long("gone")), bad])).toThrow();
    seq = 0;
    const again = encoder.encode([entry(long("other"))]);
    expect(readBack(again)).toHaveLength(1);
  });

  it("depends only on the WINDOW records before a record: a read decodes from any seq", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const entries: LogEntry[] = [];
    for (let i = 0; i < 3 * WINDOW; i++) {
      entries.push(entry(i % 5 === 0 ? long("same") : `${i}`, { phase: i % 3 === 0 ? null : `p${i % 7}` }));
    }
    const records = entries.flatMap((e) => encoder.encode([e]));
    // Far smaller than the entries written out: long strings and repeated shapes are stored once.
    expect(records.join("").length).toBeLessThan(entries.map((e) => JSON.stringify(e)).join("").length / 2);
    for (const from of [2, WINDOW, WINDOW + 1, 2 * WINDOW + 5, 3 * WINDOW]) {
      const decoder = new RecordDecoder("t");
      for (const json of records.slice(Math.max(0, from - 1 - WINDOW), from - 1)) decoder.prime(json);
      const read = records.slice(from - 1).map((json, i) => decodeRecord(decoder, "t", from + i, json));
      expect(read).toEqual(entries.slice(from - 1));
    }
  });

  it("starts afresh at every key frame: a read from 1 + n·KEYFRAME needs nothing before it, and the records stay small", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const entries: LogEntry[] = [];
    for (let i = 0; i < 2 * KEYFRAME + 40; i++) entries.push(entry(i % 9 === 0 ? long(`s${i % 4}`) : `${i}`, { phase: `p${i % 5}` }));
    const records = entries.flatMap((e) => encoder.encode([e]));
    for (const from of [KEYFRAME + 1, 2 * KEYFRAME + 1]) {
      const decoder = new RecordDecoder("t");
      expect(records.slice(from - 1).map((json, i) => decodeRecord(decoder, "t", from + i, json))).toEqual(entries.slice(from - 1));
    }
    // Elsewhere the records still refer back: a read from the middle of a stretch needs the ones before.
    expect(() => records.slice(KEYFRAME + 10).map((json, i) => decodeRecord(new RecordDecoder("t"), "t", KEYFRAME + 11 + i, json))).toThrow(OutOfReachError);
    expect(records.join("").length).toBeLessThan(entries.map((e) => JSON.stringify(e)).join("").length / 2);
  });

  it("primed lazily, decodes only the records before the range that the range refers to, and reads the same", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const entries: LogEntry[] = [];
    for (let i = 0; i < 2 * WINDOW; i++) entries.push(entry(i % 9 === 0 ? long(`s${i % 4}`) : `${i}`, { phase: `p${i % 5}` }));
    const records = entries.flatMap((e) => encoder.encode([e]));
    const from = WINDOW + 40;
    const before = records.slice(from - 1 - WINDOW, from - 1);
    const parsed: number[] = [];
    const decoder = new RecordDecoder("t");
    // A Proxy over the stored records counts which ones the decoder looks at.
    decoder.primeLazily(from, new Proxy(before, { get: (target, key) => (typeof key === "string" && /^\d+$/.test(key) ? (parsed.push(Number(key)), target[Number(key)]) : Reflect.get(target, key)) }));
    const read = records.slice(from - 1).map((json, i) => decodeRecord(decoder, "t", from + i, json));
    expect(read).toEqual(entries.slice(from - 1));
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed.length).toBeLessThan(WINDOW);
  });

  it("primed lazily with a record missing or damaged before the range: what needs it is refused", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const entries: LogEntry[] = [];
    for (let i = 0; i < 40; i++) entries.push(entry(i === 30 ? long("only") : i > 30 && i % 2 === 0 ? long("only") : `${i}`));
    const records = entries.flatMap((e) => encoder.encode([e]));
    // Seq 31 writes the long string out; 33, 35, ... copy it. Reads from seq 36 on need 31.
    const from = 36;
    const read = (before: string[]) => {
      const decoder = new RecordDecoder("t");
      decoder.primeLazily(from, before);
      return () => records.slice(from - 1).map((json, i) => decodeRecord(decoder, "t", from + i, json));
    };
    expect(read(records.slice(0, from - 1))()).toEqual(entries.slice(from - 1));
    // Seq 31 missing: the records after it sit one place early, and none of them is taken for it.
    expect(read([...records.slice(0, 30), ...records.slice(31, from - 1)])).toThrow(OutOfReachError);
    expect(read([...records.slice(0, 30), "{damaged", ...records.slice(31, from - 1)])).toThrow(OutOfReachError);
    // Not primed at all: the first record that needs an earlier one says which.
    expect(read([])).toThrow(OutOfReachError);
    // The record just before the range missing: each is placed by its own seq, and what needs 35 is refused.
    expect(read(records.slice(0, from - 2))).toThrow(/refers to seq 35/);
    // A fork's own records start after its fork point: fewer than WINDOW before the range, placed from the end.
    seq = 20;
    const forked = new RecordEncoder().encode(entries.slice(20).map((e, i) => ({ ...e, seq: 21 + i })));
    const decoder = new RecordDecoder("t");
    decoder.primeLazily(from, forked.slice(0, from - 21));
    expect(forked.slice(from - 21).map((json, i) => decodeRecord(decoder, "t", from + i, json))).toEqual(entries.slice(from - 1));
  });

  it("keeps a bounded memory of what it wrote: per thread and across threads", () => {
    const encoder = new RecordEncoder({ maxWindowBytes: 80_000, maxBytes: 640_000 });
    const big = (tag: string) => `${tag}:${"b".repeat(10_000)}`;
    // One thread writing 10 KB outputs: its window keeps about 80 KB, and what it writes still reads back.
    const records: string[] = [];
    const entries: LogEntry[] = [];
    for (let i = 1; i <= 20; i++) {
      const e = { v: 1, threadId: "t", seq: i, ts: "2026-01-01T00:00:00.000Z", kind: "event_msg", payload: { type: "agent_message", message: big(`m${i % 12}`) } } as LogEntry;
      entries.push(e);
      records.push(...encoder.encode([e]));
    }
    expect(encoder.kept.bytes).toBeLessThanOrEqual(80_000 + 20_000);
    expect(readBack(records)).toEqual(entries);
    // Many threads: the least recently written are forgotten past the total and past 256 threads.
    for (let t = 0; t < 300; t++) {
      encoder.encode([{ v: 1, threadId: `t${t}`, seq: 1, ts: "2026-01-01T00:00:00.000Z", kind: "event_msg", payload: { type: "agent_message", message: big(`t${t}`).slice(0, 4_000) } } as LogEntry]);
    }
    expect(encoder.kept.threads).toBeLessThanOrEqual(256);
    expect(encoder.kept.bytes).toBeLessThanOrEqual(640_000 + 10_000);
  });

  it("reads version 1 records (the entry's JSON) as before", () => {
    seq = 0;
    const v1 = [entry(long("old")), entry(long("old"))];
    expect(readBack(v1.map((e) => JSON.stringify(e)))).toEqual(v1);
  });

  it("reports a record that lies: a ref out of reach, a malformed ref, a ref that leads nowhere", () => {
    const decoder = new RecordDecoder("t");
    const bad = (json: string, seqOf = 5) => () => decodeRecord(decoder, "t", seqOf, json);
    expect(bad('[5,"2026-01-01T00:00:00.000Z","event_msg",{"type":"agent_message","message":""},1,[[["message"],2,["message"]]]]')).toThrow(RecordFormatError);
    decoder.prime(JSON.stringify([4, "2026-01-01T00:00:00.000Z", "event_msg", { type: "agent_message", message: long("p") }, 1]));
    expect(bad('[5,"2026-01-01T00:00:00.000Z","event_msg",{"type":"agent_message","message":""},1,[[["nope","deeper"],4,["message"]]]]')).toThrow(CorruptEntryError);
    expect(bad('[5,"2026-01-01T00:00:00.000Z","event_msg",{"type":"agent_message","message":""},1,[[["__proto__"],4,["message"]]]]')).toThrow(CorruptEntryError);
    expect(bad('[5,"2026-01-01T00:00:00.000Z","event_msg",{"type":"agent_message","message":""},1,[["message",4]]]')).toThrow(CorruptEntryError);
    expect(bad('[5,"2026-01-01T00:00:00.000Z","event_msg",{"type":"agent_message","message":""},1,[[["message"],4,["nope"]]]]')).toThrow(/does not lead to a string/);
    const ok = decodeRecord(decoder, "t", 5, '[5,"2026-01-01T00:00:00.000Z","event_msg",{"type":"agent_message","message":""},1,[[["message"],4,["message"]]]]');
    expect(ok.payload).toEqual({ type: "agent_message", message: long("p") });
    expect(bad('[6,"2026-01-01T00:00:00.000Z","event_msg",{"type":"agent_message","message":"x"},1]')).toThrow(/where this record belongs/);
  });

  it("leaves a __proto__ key written out, so a ref can never set a prototype", () => {
    seq = 0;
    const encoder = new RecordEncoder();
    const payload = JSON.parse(`{"type":"dynamic_tool_call_request","callId":"c","turnId":"t","tool":"x","arguments":{"__proto__":"${long("p")}","k":"${long("p")}"}}`);
    const entries = [entry(long("p")), { ...entry(""), payload } as LogEntry];
    const records = encoder.encode(entries);
    expect(records[1]).toContain(`"__proto__":"${long("p")}"`);
    const read = readBack(records);
    expect(Object.getPrototypeOf((read[1].payload as { arguments: object }).arguments)).toBe(Object.prototype);
    expect((read[1].payload as { arguments: Record<string, string> }).arguments.k).toBe(long("p"));
  });
});
