// Makes a Codex request and a Loom request comparable: what differs by nature between two runs
// (thread and turn ids, dates, wall times, chunk and session ids, the installation id, the
// working directory's temp path, a sub-agent's random nickname) becomes a placeholder; everything
// else is compared as sent, the five agent tools included. Two writable roots of Codex's own run
// (its memories folder, the generator's TMPDIR) in workspace-write permissions are left out.

/** The headers compared (the rest are the HTTP client's own); the last two mark a sub-agent's requests. */
export const COMPARED_HEADERS = [
  "originator",
  "session_id",
  "x-client-request-id",
  "x-codex-window-id",
  "x-codex-turn-metadata",
  "x-openai-subagent",
  "x-codex-parent-thread-id",
];

export interface Request {
  headers: Record<string, unknown>;
  body: any;
}

/** Paths of one run: its working directory, and the root its other paths (skills) live under. */
export interface RunPaths {
  cwd: string;
  root?: string;
}

/** Numbers placeholders by first appearance, so the same id reads the same across requests. */
class Placeholders {
  private readonly seen = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  name(value: string): string {
    let name = this.seen.get(value);
    if (!name) {
      name = `<${this.prefix}-${this.seen.size + 1}>`;
      this.seen.set(value, name);
    }
    return name;
  }
  known(): string[] {
    return [...this.seen.keys()];
  }
}

/** Normalizes every request of one run, in order (placeholders are numbered across the run). */
export function normalizeRun(requests: readonly Request[], paths: RunPaths): Request[] {
  const threads = new Placeholders("THREAD");
  const turns = new Placeholders("TURN");
  const sessions = new Placeholders("SESSION");
  // Every thread is named before any text is read: a parent's request names its sub-agent (the
  // spawn_agent output) before the sub-agent's own first request.
  for (const request of requests) {
    const thread = request.headers.session_id;
    if (typeof thread === "string") threads.name(thread);
  }
  return requests.map((request) => {
    const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, String(request.headers[name] ?? "<absent>")]));
    const thread = headers.session_id!;
    if (thread !== "<absent>") threads.name(thread);
    let metadata: any;
    try {
      metadata = JSON.parse(headers["x-codex-turn-metadata"]!);
    } catch {
      metadata = undefined;
    }
    if (metadata?.turn_id) metadata.turn_id = turns.name(metadata.turn_id);
    const text = (value: string): string => {
      let out = value;
      for (const id of threads.known()) out = out.split(id).join(threads.name(id));
      out = out.split(paths.cwd).join("<CWD>");
      if (paths.root) out = out.split(paths.root).join("<ROOT>");
      // Writable roots only Codex's run had: its own home's memories folder (Loom keeps no
      // memories) and the TMPDIR the generator gave it (a temp path; Loom's tests set none).
      out = out.replace("`<ROOT>/home/.codex/memories`, ", "").replace(", `<ROOT>/tmp`", "");
      out = out.replace(/<current_date>[^<]*<\/current_date>/g, "<current_date><DATE></current_date>");
      out = out.replace(/Chunk ID: [0-9a-f]{6}/g, "Chunk ID: <CHUNK>");
      out = out.replace(/Wall time: \d+(\.\d+)? seconds/g, "Wall time: <WALL> seconds");
      out = out.replace(/aborted by user after \d+(\.\d+)?s/g, "aborted by user after <SECS>s");
      // Codex picks a sub-agent's nickname at random.
      out = out.replace(/"(nickname|new_agent_nickname)":"[^"]*"/g, '"$1":"<NICKNAME>"');
      out = out.replace(/"duration_seconds":\d+(\.\d+)?/g, '"duration_seconds":<SECS>');
      out = out.replace(/(Process running with session ID |"session_id":)(\d+)/g, (_, lead, id) => `${lead}${sessions.name(id)}`);
      return out;
    };
    const walk = (value: unknown): unknown => {
      if (typeof value === "string") return text(value);
      if (Array.isArray(value)) return value.map(walk);
      if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
      return value;
    };
    const body = structuredClone(request.body);
    if (body.client_metadata?.["x-codex-installation-id"]) body.client_metadata["x-codex-installation-id"] = "<INSTALLATION>";
    const normalizedHeaders: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(headers)) {
      normalizedHeaders[name] = name === "x-codex-turn-metadata" && metadata ? walk(metadata) : text(value);
    }
    return { headers: normalizedHeaders, body: walk(body) };
  });
}

/**
 * The requests thread by thread (first-named thread first), each thread's in the order sent: a
 * parent and its sub-agents run at once, so how their requests interleave is not Codex's to fix.
 */
export function byThread(requests: readonly Request[]): Request[] {
  const order = new Map<unknown, number>();
  for (const request of requests) if (!order.has(request.headers.session_id)) order.set(request.headers.session_id, order.size);
  return [...requests].map((request, i) => ({ request, i })).sort((a, b) => order.get(a.request.headers.session_id)! - order.get(b.request.headers.session_id)! || a.i - b.i).map(({ request }) => request);
}

/** A readable account of the first difference between two values, for a failing comparison. */
export function firstDifference(codex: unknown, loom: unknown, path = "$"): string | null {
  if (JSON.stringify(codex) === JSON.stringify(loom)) return null;
  if (typeof codex !== typeof loom || codex === null || loom === null || typeof codex !== "object") {
    const show = (v: unknown) => {
      const json = JSON.stringify(v);
      return json && json.length > 600 ? `${json.slice(0, 600)}…` : json;
    };
    return `${path}: codex ${show(codex)} vs loom ${show(loom)}`;
  }
  if (Array.isArray(codex) !== Array.isArray(loom)) return `${path}: array vs object`;
  const keys = Array.isArray(codex)
    ? [...Array(Math.max(codex.length, (loom as unknown[]).length)).keys()].map(String)
    : [...new Set([...Object.keys(codex), ...Object.keys(loom as object)])];
  if (!Array.isArray(codex)) {
    const order = (v: object) => Object.keys(v).join(",");
    if (order(codex) !== order(loom as object)) return `${path}: keys codex [${order(codex)}] vs loom [${order(loom as object)}]`;
  }
  for (const key of keys) {
    const diff = firstDifference((codex as any)[key], (loom as any)[key], `${path}.${key}`);
    if (diff) return diff;
  }
  return null;
}
