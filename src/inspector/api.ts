/**
 * The inspector's client for the `loom serve` API: every request carries the token; an error
 * answer becomes an `ApiRequestError` with the server's one-line message.
 */
import type { EntrySummary } from "../server/summary.js";
import type { ThreadSummary } from "../server/threads.js";
import type { StateDiff, TurnView } from "../server/state-view.js";

export type { EntrySummary, ThreadSummary, StateDiff, TurnView };

export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "loom-serve-token";

/** The token: from `#token=` on first load (then removed from the address bar), else this tab's storage. */
export function initialToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]);
    sessionStorage.setItem(TOKEN_KEY, token);
    const rest = location.hash.replace(/(^#|&)token=[^&]+/, "$1").replace(/^#&/, "#");
    history.replaceState(null, "", rest === "#" ? location.pathname : `${location.pathname}${rest}`);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

let token: string | null = null;
export function setToken(value: string | null): void {
  token = value;
}
export function currentToken(): string | null {
  return token;
}

/**
 * Answers asked for before the page rendered (`prefetch`), by path: the page's first identical
 * GET takes each one, once. Opening a long thread cold, the page's script is still being compiled
 * and run when the server could already be answering.
 */
const early = new Map<string, Promise<unknown>>();
let collecting = false;

/** Sends the GETs that `calls` makes now, and keeps their answers for the page's first identical requests. */
export function prefetch(calls: () => void): void {
  collecting = true;
  try {
    calls();
  } finally {
    collecting = false;
  }
}

export function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const get = init.body === undefined && init.method === undefined && init.signal === undefined;
  const kept = get ? early.get(path) : undefined;
  if (kept) {
    early.delete(path);
    return kept as Promise<T>;
  }
  const answer = request<T>(path, init);
  if (collecting && get) {
    early.set(path, answer);
    // Never asked for after all: not an unhandled rejection.
    answer.catch(() => undefined);
  }
  return answer;
}

async function request<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal }): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token ?? ""}` };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, {
    method: init.method ?? (init.body !== undefined ? "POST" : "GET"),
    headers,
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: init.signal,
  });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { error: text };
  }
  if (!res.ok) throw new ApiRequestError(res.status, body?.error ?? `HTTP ${res.status}`);
  return body as T;
}

const enc = encodeURIComponent;

export interface Pending {
  kind: "exec" | "patch" | "user_input" | "dynamic_tool" | "elicitation";
  id: string;
  turnId: string | null;
  seq: number;
  request: Record<string, any>;
}

export interface StateView {
  threadId: string;
  name: string | null;
  seq: number;
  cwd: string | null;
  activeTurn: string | null;
  turnCount: number;
  lastTurn: TurnView | null;
  tokenUsage: {
    total_token_usage: Record<string, number>;
    last_token_usage: Record<string, number>;
    model_context_window?: number | null;
  } | null;
  pendingApprovals: Pending[];
  historyLength: number;
  /** The prompt's length; `prompt` holds its items from `promptStart` on (the tail when asked for). */
  promptLength: number;
  promptStart: number;
  prompt: Record<string, any>[];
}

export interface Divergence {
  seq: number;
  reason: string;
  recorded?: Record<string, any>;
  produced?: Record<string, any>;
  diff: string[];
}

export const Api = {
  threads: () => api<{ threads: ThreadSummary[] }>("api/threads"),
  thread: (id: string) => api<{ thread: ThreadSummary }>(`api/threads/${enc(id)}`),
  rows: (id: string, from: number, to: number, signal?: AbortSignal) =>
    api<{ entries: EntrySummary[]; headSeq: number; next: number | null }>(`api/threads/${enc(id)}/entries?view=summary&from=${from}&to=${to}&limit=${to - from + 1}`, { signal }),
  entry: (id: string, seq: number) => api<{ entries: Record<string, any>[] }>(`api/threads/${enc(id)}/entries?from=${seq}&to=${seq}`),
  find: (id: string, options: { from?: number; to?: number; types?: string; q?: string; order?: "asc" | "desc"; limit?: number; signal?: AbortSignal }) => {
    const params = new URLSearchParams({ view: "summary", limit: String(options.limit ?? 1) });
    if (options.from) params.set("from", String(options.from));
    if (options.to) params.set("to", String(options.to));
    if (options.types) params.set("types", options.types);
    if (options.q) params.set("q", options.q);
    if (options.order) params.set("order", options.order);
    return api<{ entries: EntrySummary[]; next: number | null }>(`api/threads/${enc(id)}/entries?${params}`, { signal: options.signal });
  },
  /** The state at `seq`; with `promptTail`, only that many of the prompt's last items. */
  state: (id: string, seq: number, options: { signal?: AbortSignal; promptTail?: number } = {}) =>
    api<{ state: StateView }>(`api/threads/${enc(id)}/state?at=${seq}${options.promptTail === undefined ? "" : `&promptTail=${options.promptTail}`}`, { signal: options.signal }),
  turns: (id: string) => api<{ seq: number; activeTurn: string | null; turns: TurnView[] }>(`api/threads/${enc(id)}/turns`),
  diff: (id: string, from: number, to: number) => api<{ diff: StateDiff }>(`api/threads/${enc(id)}/diff?from=${from}&to=${to}`),
  submit: (id: string, op: Record<string, unknown>) => api<{ id: string }>(`api/threads/${enc(id)}/submissions`, { body: { op } }),
  fork: (id: string, atSeq: number) => api<{ thread: ThreadSummary }>(`api/threads/${enc(id)}/fork`, { body: { atSeq } }),
  replay: (id: string, fromSeq: number) =>
    api<{ report: { replayed: number; fromSeq: number; divergence?: Divergence }; ms: number }>(`api/threads/${enc(id)}/replay`, { body: { fromSeq } }),
  start: (body: Record<string, unknown>) => api<{ thread: ThreadSummary }>("api/threads", { body }),
};
