/**
 * The threads of the data dir as a tree: forks under the thread they were forked from, sub-agents
 * under the thread that spawned them. Arrow keys move, Enter opens; a small form starts a thread.
 */
import { useMemo, useState } from "react";
import { Api, type ThreadSummary } from "./api.js";
import { shortId } from "./format.js";

interface Node {
  thread: ThreadSummary;
  depth: number;
  relation: "fork" | "sub-agent" | null;
}

/** Depth-first order: each thread, then its forks and sub-agents, oldest first. */
export function threadTree(threads: readonly ThreadSummary[]): Node[] {
  const byId = new Map(threads.map((t) => [t.id, t]));
  const children = new Map<string, ThreadSummary[]>();
  const parentOf = (t: ThreadSummary) => {
    const parent = t.parentId ?? t.spawnedBy?.threadId;
    return parent && byId.has(parent) && parent !== t.id ? parent : undefined;
  };
  const roots: ThreadSummary[] = [];
  for (const t of threads) {
    const parent = parentOf(t);
    if (parent) children.set(parent, [...(children.get(parent) ?? []), t]);
    else roots.push(t);
  }
  const newestFirst = (a: ThreadSummary, b: ThreadSummary) => b.createdAt.localeCompare(a.createdAt);
  const out: Node[] = [];
  const seen = new Set<string>();
  const visit = (t: ThreadSummary, depth: number) => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    out.push({ thread: t, depth, relation: depth === 0 ? null : t.parentId ? "fork" : "sub-agent" });
    for (const child of (children.get(t.id) ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt))) visit(child, depth + 1);
  };
  for (const root of roots.sort(newestFirst)) visit(root, 0);
  return out;
}

export interface ThreadListProps {
  threads: readonly ThreadSummary[];
  selected: string | null;
  onOpen(id: string): void;
  onChanged(): void;
}

export function ThreadList({ threads, selected, onOpen, onChanged }: ThreadListProps) {
  const nodes = useMemo(() => threadTree(threads), [threads]);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const index = nodes.findIndex((n) => n.thread.id === selected);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "j" && event.key !== "k") return;
    event.preventDefault();
    event.stopPropagation();
    const next = nodes[Math.max(0, Math.min(nodes.length - 1, index + (event.key === "ArrowDown" || event.key === "j" ? 1 : -1)))];
    if (next) {
      onOpen(next.thread.id);
      document.getElementById(`thread-${next.thread.id}`)?.focus();
    }
  };

  return (
    <nav className="thread-list" aria-label="threads" onKeyDown={onKeyDown}>
      <div className="list-head">
        <h1>Loom</h1>
        <button type="button" onClick={() => setStarting(!starting)} aria-expanded={starting}>
          New thread
        </button>
      </div>
      {starting && (
        <form
          className="new-thread"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const body: Record<string, unknown> = { approvalPolicy: data.get("approval") };
            const cwd = String(data.get("cwd") ?? "").trim();
            const name = String(data.get("name") ?? "").trim();
            if (cwd) body.cwd = cwd;
            if (name) body.name = name;
            Api.start(body).then(
              ({ thread }) => {
                setStarting(false);
                setError(null);
                onChanged();
                onOpen(thread.id);
              },
              (e: Error) => setError(e.message),
            );
          }}
        >
          <input name="cwd" placeholder="working directory (absolute)" aria-label="working directory" />
          <input name="name" placeholder="name (optional)" aria-label="thread name" />
          <select name="approval" aria-label="approval policy" defaultValue="on-request">
            <option value="untrusted">untrusted</option>
            <option value="on-request">on-request</option>
            <option value="on-failure">on-failure</option>
            <option value="never">never</option>
          </select>
          <button type="submit" className="primary">
            Start
          </button>
          {error && <p className="error">{error}</p>}
        </form>
      )}
      <ul role="tree">
        {nodes.map(({ thread, depth, relation }) => (
          <li key={thread.id} role="treeitem" aria-selected={thread.id === selected} aria-level={depth + 1}>
            <button
              id={`thread-${thread.id}`}
              type="button"
              className={`thread-item${thread.id === selected ? " selected" : ""}`}
              style={{ paddingLeft: 8 + depth * 14 }}
              onClick={() => onOpen(thread.id)}
              title={thread.id}
            >
              <span className="thread-name">
                {relation ? "↳ " : ""}
                {thread.name ?? shortId(thread.id)}
              </span>
              <span className="thread-meta">
                {thread.headSeq.toLocaleString("en-US")} entries
                {relation === "fork" ? ` · fork @${thread.forkSeq}` : ""}
                {relation === "sub-agent" ? ` · sub-agent${thread.spawnedBy?.nickname ? ` ${thread.spawnedBy.nickname}` : ""}` : ""}
                {thread.live ? " · live" : ""}
                {thread.activeTurn ? " · running" : ""}
                {thread.pendingApprovals ? ` · ${thread.pendingApprovals} pending` : ""}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {nodes.length === 0 && <p className="muted pad">No threads in this data dir yet.</p>}
    </nav>
  );
}
