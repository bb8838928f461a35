/**
 * The JSON API over a runtime: threads, entries (paged, filtered), state at a seq, diffs, turns,
 * and the writes a debugging person needs (start, submit any Op, fork, roll back, replay). Every
 * write goes through the embedding API, so what the inspector does is what an embedder can do.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { AskForApproval, ReasoningEffort, ReasoningSummary, SandboxPolicy, type LogEntry } from "../events/index.js";
import { replayThread } from "../replay/reexecute/index.js";
import { BadRequestError, NotFoundError } from "./errors.js";
import { intParam, onlyParams, readJson, sendJson } from "./http.js";
import { diffStates, stateView, turnViews } from "./state-view.js";
import { entryType, summarizeEntry } from "./summary.js";
import type { ThreadHub } from "./threads.js";
import type { W3cTraceContext } from "../observe/index.js";
import { resumeSeq, streamEvents } from "./events.js";

export interface ApiContext {
  hub: ThreadHub;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** Path parameters, decoded. */
  params: string[];
  /** Aborted when the server shuts down or the client goes away. */
  signal: AbortSignal;
}

export type ApiHandler = (ctx: ApiContext) => Promise<void>;

export interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  handler: ApiHandler;
}

/** Entries per page when `limit` is not given, and the most one request may ask for. */
export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 5_000;

const StartThreadBody = z.strictObject({
  cwd: z.string().optional(),
  name: z.string().max(200).optional(),
  model: z.string().optional(),
  approvalPolicy: AskForApproval.optional(),
  sandboxMode: z.enum(["read-only", "workspace-write", "danger-full-access"]).optional(),
  sandboxPolicy: SandboxPolicy.optional(),
  effort: ReasoningEffort.optional(),
  summary: ReasoningSummary.optional(),
  developerInstructions: z.string().optional(),
  baseInstructions: z.string().optional(),
});

/** A Codex `Submission` ({ id?, op }); the op is validated by the thread against the vocabulary. */
const SubmissionBody = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  op: z.record(z.string(), z.unknown()),
  /** The caller's W3C trace context (Codex's `Submission.trace`). */
  trace: z.unknown().optional(),
});

const ForkBody = z.union([
  z.strictObject({ atSeq: z.number().int().min(1) }),
  z.strictObject({ beforeTurn: z.number().int().min(0) }),
]);

const RollbackBody = z.strictObject({ numTurns: z.number().int().min(1) });
const ReplayBody = z.strictObject({ fromSeq: z.number().int().min(1).optional() });

async function listThreads({ hub, res, query }: ApiContext): Promise<void> {
  onlyParams(query, []);
  sendJson(res, 200, { threads: await hub.list() });
}

async function startThread({ hub, req, res, query }: ApiContext): Promise<void> {
  onlyParams(query, []);
  const body = await readJson(req, StartThreadBody, "start a thread");
  const thread = await hub.runtime.startThread(body);
  sendJson(res, 201, { thread: await hub.summary(await hub.meta(thread.id)), configured: thread.configured });
}

async function getThread({ hub, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, []);
  sendJson(res, 200, { thread: await hub.summary(await hub.meta(params[0])) });
}

/**
 * Entries `from`..`to` (inclusive), at most `limit` of them; `next` is where the following page
 * starts, null at the end. `types` (entry kinds or payload types) and `q` (text) filter them: the
 * scan goes on until `limit` matches. `view=summary` returns timeline rows instead of entries.
 */
async function listEntries({ hub, res, query, params, signal }: ApiContext): Promise<void> {
  onlyParams(query, ["from", "to", "limit", "types", "q", "view", "order"]);
  const id = params[0];
  const meta = await hub.meta(id);
  const head = meta.headSeq;
  const from = intParam(query, "from", { min: 1 }) ?? 1;
  const toParam = intParam(query, "to", { min: 1 });
  if (toParam !== undefined && toParam < from) throw new BadRequestError(`from (${from}) is after to (${toParam})`);
  const to = Math.min(toParam ?? head, head);
  const limit = intParam(query, "limit", { min: 1, max: MAX_PAGE }) ?? DEFAULT_PAGE;
  const view = query.get("view") ?? "full";
  if (view !== "full" && view !== "summary") throw new BadRequestError(`view must be "full" or "summary", got ${JSON.stringify(view)}`);
  const order = query.get("order") ?? "asc";
  if (order !== "asc" && order !== "desc") throw new BadRequestError(`order must be "asc" or "desc", got ${JSON.stringify(order)}`);
  const types = query.get("types")?.split(",").map((t) => t.trim()).filter(Boolean);
  const text = query.get("q")?.toLowerCase() || undefined;
  const filtered = Boolean(types?.length || text);
  const match = (entry: LogEntry) => {
    const type = entryType(entry);
    if (types?.length && !types.includes(entry.kind) && !(type && types.includes(type))) return false;
    return !text || JSON.stringify(entry.payload).toLowerCase().includes(text);
  };
  const found: LogEntry[] = [];
  let next: number | null = null;
  if (order === "asc") {
    // Unfiltered pages read exactly the range; a search reads on until it has `limit` matches.
    const last = filtered ? to : Math.min(to, from + limit - 1);
    for await (const entry of hub.runtime.log.read(id, { from, to: last })) {
      if (signal.aborted) return;
      if (!filtered || match(entry)) found.push(entry);
      if (found.length === limit) {
        next = entry.seq < to ? entry.seq + 1 : null;
        break;
      }
    }
    if (!filtered && last < to) next = last + 1;
  } else {
    // Newest first (the last error before a point): read backwards in windows.
    let hi = to;
    const window = filtered ? 2_000 : limit;
    while (hi >= from && found.length < limit) {
      const lo = Math.max(from, hi - window + 1);
      const chunk: LogEntry[] = [];
      for await (const entry of hub.runtime.log.read(id, { from: lo, to: hi })) {
        if (signal.aborted) return;
        if (!filtered || match(entry)) chunk.push(entry);
      }
      for (let i = chunk.length - 1; i >= 0 && found.length < limit; i--) found.push(chunk[i]);
      next = found.length === limit ? found[found.length - 1].seq - 1 : null;
      hi = lo - 1;
    }
    if (next !== null && next < from) next = null;
  }
  const entries = view === "summary" ? found.map((entry) => summarizeEntry(entry, id)) : found;
  sendJson(res, 200, { threadId: id, headSeq: head, entries, next });
}

async function stateAt(hub: ThreadHub, id: string, seq: number | undefined) {
  const meta = await hub.meta(id);
  if (seq !== undefined && seq > meta.headSeq) throw new BadRequestError(`thread ${id} has ${meta.headSeq} entries; no state at seq ${seq}`);
  return hub.runtime.stateAt(id, seq ?? meta.headSeq);
}

async function getState({ hub, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, ["at", "history", "turns", "promptTail"]);
  const promptTail = intParam(query, "promptTail", { min: 0 });
  const state = await stateAt(hub, params[0], intParam(query, "at"));
  sendJson(res, 200, { state: stateView(state, { history: query.get("history") === "1", turns: query.get("turns") === "1", promptTail }) });
}

async function getDiff({ hub, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, ["from", "to"]);
  const from = intParam(query, "from");
  const to = intParam(query, "to");
  if (from === undefined || to === undefined) throw new BadRequestError("diff needs both from=SEQ and to=SEQ");
  const [before, after] = await Promise.all([stateAt(hub, params[0], from), stateAt(hub, params[0], to)]);
  sendJson(res, 200, { diff: diffStates(before, after) });
}

async function getTurns({ hub, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, ["at"]);
  const state = await stateAt(hub, params[0], intParam(query, "at"));
  sendJson(res, 200, { seq: state.seq, activeTurn: state.activeTurn, turns: turnViews(state) });
}

async function submit({ hub, req, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, []);
  const body = await readJson(req, SubmissionBody, "submission");
  const thread = await hub.open(params[0]);
  const id = await thread.submit(body.op, { id: body.id, trace: body.trace as W3cTraceContext | undefined });
  sendJson(res, 202, { id, threadId: thread.id });
}

async function fork({ hub, req, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, []);
  const body = await readJson(req, ForkBody, "fork");
  await hub.meta(params[0]);
  const options = "atSeq" in body ? { atSeq: body.atSeq } : { beforeUserTurn: body.beforeTurn };
  const thread = await hub.runtime.forkThread(params[0], options);
  sendJson(res, 201, { thread: await hub.summary(await hub.meta(thread.id)) });
}

async function rollback({ hub, req, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, []);
  const body = await readJson(req, RollbackBody, "rollback");
  const thread = await hub.open(params[0]);
  await thread.rollback(body.numTurns);
  sendJson(res, 200, { threadId: thread.id, seq: thread.state.seq, turns: turnViews(thread.state) });
}

async function replay({ hub, req, res, query, params }: ApiContext): Promise<void> {
  onlyParams(query, []);
  const body = await readJson(req, ReplayBody, "replay");
  await hub.meta(params[0]);
  const started = performance.now();
  const report = await replayThread(hub.runtime.log, params[0], { fromSeq: body.fromSeq, config: hub.runtime.config });
  sendJson(res, 200, { report, ms: Math.round(performance.now() - started) });
}

async function events({ hub, req, res, query, params, signal }: ApiContext): Promise<void> {
  onlyParams(query, ["from", "view"]);
  await hub.meta(params[0]);
  const view = query.get("view") ?? "full";
  if (view !== "full" && view !== "summary") throw new BadRequestError(`view must be "full" or "summary", got ${JSON.stringify(view)}`);
  const fromSeq = resumeSeq(req, intParam(query, "from", { min: 1 }));
  await streamEvents(req, res, { log: hub.runtime.log, threadId: params[0], fromSeq, summary: view === "summary", signal });
}

const THREAD = "([^/]+)";
export const ROUTES: Route[] = [
  { method: "GET", pattern: /^\/api\/threads$/, handler: listThreads },
  { method: "POST", pattern: /^\/api\/threads$/, handler: startThread },
  { method: "GET", pattern: new RegExp(`^/api/threads/${THREAD}$`), handler: getThread },
  { method: "GET", pattern: new RegExp(`^/api/threads/${THREAD}/entries$`), handler: listEntries },
  { method: "GET", pattern: new RegExp(`^/api/threads/${THREAD}/state$`), handler: getState },
  { method: "GET", pattern: new RegExp(`^/api/threads/${THREAD}/diff$`), handler: getDiff },
  { method: "GET", pattern: new RegExp(`^/api/threads/${THREAD}/turns$`), handler: getTurns },
  { method: "GET", pattern: new RegExp(`^/api/threads/${THREAD}/events$`), handler: events },
  { method: "POST", pattern: new RegExp(`^/api/threads/${THREAD}/submissions$`), handler: submit },
  { method: "POST", pattern: new RegExp(`^/api/threads/${THREAD}/fork$`), handler: fork },
  { method: "POST", pattern: new RegExp(`^/api/threads/${THREAD}/rollback$`), handler: rollback },
  { method: "POST", pattern: new RegExp(`^/api/threads/${THREAD}/replay$`), handler: replay },
];

/** The route for a path, or why there is none (404 for an unknown path, 405 for a wrong method). */
export function findRoute(method: string, path: string): { route: Route; params: string[] } | { status: 404 | 405; allow?: string } {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    let params: string[];
    try {
      params = match.slice(1).map((part) => decodeURIComponent(part));
    } catch {
      throw new BadRequestError(`malformed percent-encoding in ${JSON.stringify(path)}`);
    }
    return { route, params };
  }
  if (allowed.length) return { status: 405, allow: allowed.join(", ") };
  return { status: 404 };
}

export { NotFoundError };
