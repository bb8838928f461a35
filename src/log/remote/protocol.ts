/**
 * The read endpoint's wire format: JSON lines over a Unix socket, several requests in flight on one
 * connection. A request is `{ id, method, params }`; a unary answer is `{ id, result }`, a streamed
 * one (`read`, `subscribe`) is any number of `{ id, entries }` then `{ id, done: true }`; a failure
 * is `{ id, error: { name, message } }`. `{ cancel: id }` ends a stream early. Only reads exist:
 * writing stays with the process that holds the log.
 */
import { z } from "zod";

/** Bumped when a method or a field changes meaning; `hello` reports it. */
export const PROTOCOL_VERSION = 1;

/** A request line longer than this is refused (requests are a few hundred bytes). */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Entries per streamed message: big enough to amortise a write, small enough to interleave. */
export const STREAM_CHUNK = 256;

const ThreadParams = z.object({ threadId: z.string() });

export const Request = z.discriminatedUnion("method", [
  z.object({ id: z.number().int(), method: z.literal("hello"), params: z.object({}).optional() }),
  z.object({ id: z.number().int(), method: z.literal("listThreads"), params: z.object({}).optional() }),
  z.object({ id: z.number().int(), method: z.literal("getThread"), params: ThreadParams }),
  z.object({ id: z.number().int(), method: z.literal("head"), params: ThreadParams }),
  z.object({
    id: z.number().int(),
    method: z.literal("read"),
    params: ThreadParams.extend({ from: z.number().int().optional(), to: z.number().int().optional() }),
  }),
  z.object({ id: z.number().int(), method: z.literal("subscribe"), params: ThreadParams.extend({ fromSeq: z.number().int() }) }),
  z.object({ id: z.number().int(), method: z.literal("getSnapshot"), params: ThreadParams.extend({ atOrBeforeSeq: z.number().int() }) }),
  z.object({ id: z.number().int(), method: z.literal("getSnapshotParts"), params: z.object({ keys: z.array(z.string()).max(100_000) }) }),
]);
export type Request = z.infer<typeof Request>;
export type Method = Request["method"];

export const Cancel = z.object({ cancel: z.number().int() });
export type Cancel = z.infer<typeof Cancel>;

/** What `hello` answers: who holds the log, so a refused writer can say which process it is. */
export const Hello = z.object({ protocol: z.number().int(), pid: z.number().int(), dir: z.string(), version: z.string() });
export type Hello = z.infer<typeof Hello>;

export const RemoteFailure = z.object({ name: z.string(), message: z.string() });
export type RemoteFailure = z.infer<typeof RemoteFailure>;

/** One streamed or unary answer, as the client reads it (checked by shape, then entry by entry). */
export type Reply =
  | { id: number; result: unknown }
  | { id: number; entries: unknown[] }
  | { id: number; done: true }
  | { id: number; error: RemoteFailure };
