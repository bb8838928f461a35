// The `loom serve` API against a real server on 127.0.0.1:0: auth, bad input, paging, state,
// diff, writes through the runtime, and the live stream with a reconnect.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { textTurn, toolCallTurn } from "../support/fake-responses.js";
import { openEvents, startServe, TOKEN, type ServeHarness } from "../support/serve.js";

let h: ServeHarness;
let threadId: string;
beforeEach(async () => {
  h = await startServe();
  h.loom.server.enqueue(textTurn("first answer"), textTurn("second answer"));
  const thread = await h.loom.rt.startThread({ cwd: h.loom.cwd, approvalPolicy: "never", name: "two turns" });
  threadId = thread.id;
  await thread.run("first question");
  await thread.run("second question");
});
afterEach(async () => {
  await h.close();
});

describe("auth", () => {
  it("refuses an API request without the token or with another one, with 401", async () => {
    const bare = await fetch(new URL("/api/threads", h.server.url));
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await bare.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
    const wrong = await h.api("/api/threads", { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const basic = await h.api("/api/threads", { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    // Writes too, and the event stream.
    const post = await fetch(new URL(`/api/threads/${threadId}/submissions`, h.server.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ op: { type: "interrupt" } }),
    });
    expect(post.status).toBe(401);
    expect((await fetch(new URL(`/api/threads/${threadId}/events`, h.server.url))).status).toBe(401);
  });

  it("binds to loopback by default", async () => {
    expect(h.server.host).toBe("127.0.0.1");
  });
});

describe("reading", () => {
  it("stops a long scan of the log when its client goes away", async () => {
    const log = h.loom.rt.log;
    const { id } = await log.createThread({ name: "long" });
    const TOTAL = 20_000;
    for (let i = 0; i < TOTAL; i += 2_000) {
      await log.append(id, Array.from({ length: 2_000 }, () => ({ kind: "event_msg" as const, payload: { type: "agent_message_delta", delta: "x" } })));
    }
    // Count what the server reads, and learn when its read ends.
    const read = log.read.bind(log);
    let yielded = 0;
    let started!: () => void;
    let ended!: () => void;
    const first = new Promise<void>((resolve) => (started = resolve));
    const finished = new Promise<void>((resolve) => (ended = resolve));
    (log as any).read = async function* (...args: Parameters<typeof read>) {
      try {
        for await (const entry of read(...args)) {
          if (++yielded === 1) started();
          yield entry;
        }
      } finally {
        ended();
      }
    };
    const client = new AbortController();
    const asked = fetch(new URL(`/api/threads/${id}/entries?types=no_such_type&limit=1`, h.server.url), { headers: { authorization: `Bearer ${TOKEN}` }, signal: client.signal });
    await first;
    client.abort();
    await expect(asked).rejects.toThrow();
    await finished;
    expect(yielded).toBeLessThan(TOTAL / 2);
  });

  it("lists threads with their names and gets one; an unknown thread is 404 everywhere", async () => {
    const list = await h.api("/api/threads");
    expect(list.status).toBe(200);
    const meta = list.body.threads.find((t: any) => t.id === threadId);
    expect(meta).toMatchObject({ name: "two turns", cwd: h.loom.cwd, live: true, activeTurn: null, pendingApprovals: 0 });
    expect((await h.api(`/api/threads/${threadId}`)).body.thread.headSeq).toBe(meta.headSeq);
    for (const path of ["", "/entries", "/state", "/turns", "/diff?from=1&to=2", "/events"]) {
      const res = await h.api(`/api/threads/nope${path}`);
      expect(res.status, path).toBe(404);
      expect(res.body.error).toContain('unknown thread "nope"');
    }
    for (const [path, body] of [["/submissions", { op: { type: "interrupt" } }], ["/fork", { atSeq: 1 }], ["/rollback", { numTurns: 1 }], ["/replay", {}]] as const) {
      expect((await h.api(`/api/threads/nope${path}`, { body })).status, path).toBe(404);
    }
    expect((await h.api("/api/nothing-here")).status).toBe(404);
    const wrongMethod = await h.api("/api/threads/x/state", { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
  });

  it("shows a sub-agent's thread with the thread that spawned it (Codex's SessionSource::SubAgent)", async () => {
    const log = h.loom.rt.log;
    const child = await log.createThread({ name: "scout" });
    const source = { subagent: { thread_spawn: { parent_thread_id: threadId, depth: 1, agent_nickname: "scout", agent_role: "explorer" } } };
    await log.append(child.id, [{ kind: "session_meta", payload: { id: child.id, timestamp: "2026-01-01T00:00:00Z", cwd: "/repo", originator: "codex", cli_version: "0.125.0", source } }]);
    const threads = (await h.api("/api/threads")).body.threads;
    expect(threads.find((t: any) => t.id === child.id)).toMatchObject({ spawnedBy: { threadId, depth: 1, nickname: "scout", role: "explorer" }, cwd: "/repo", live: false });
    expect(threads.find((t: any) => t.id === threadId).spawnedBy).toBeUndefined();
  });

  it("pages entries gaplessly, in summary or full, forwards and backwards", async () => {
    const head = (await h.api(`/api/threads/${threadId}`)).body.thread.headSeq;
    const seqs: number[] = [];
    let from: number | null = 1;
    while (from !== null) {
      const page: any = await h.api(`/api/threads/${threadId}/entries?from=${from}&limit=4`);
      expect(page.status).toBe(200);
      expect(page.body.entries.length).toBeLessThanOrEqual(4);
      seqs.push(...page.body.entries.map((e: any) => e.seq));
      from = page.body.next;
    }
    expect(seqs).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const range = await h.api(`/api/threads/${threadId}/entries?from=2&to=4`);
    expect(range.body.entries.map((e: any) => [e.seq, e.threadId])).toEqual([[2, threadId], [3, threadId], [4, threadId]]);
    const rows = await h.api(`/api/threads/${threadId}/entries?view=summary&types=user_message`);
    expect(rows.body.entries.map((r: any) => r.text)).toEqual(["first question", "second question"]);
    expect(rows.body.entries[0]).toMatchObject({ kind: "event_msg", type: "user_message" });
    const last = await h.api(`/api/threads/${threadId}/entries?order=desc&limit=1&types=task_complete&view=summary`);
    expect(last.body.entries).toHaveLength(1);
    expect(last.body.entries[0].text).toContain("second answer");
    const search = await h.api(`/api/threads/${threadId}/entries?q=FIRST%20ANSWER&types=agent_message`);
    expect(search.body.entries.map((e: any) => e.payload.message)).toEqual(["first answer"]);
    expect((await h.api(`/api/threads/${threadId}/entries?from=${head + 10}`)).body.entries).toEqual([]);
  });

  it("answers 400 naming the parameter for bad queries", async () => {
    const cases: [string, RegExp][] = [
      ["entries?from=abc", /from must be an integer >= 1/],
      ["entries?from=0", /from must be an integer >= 1/],
      ["entries?limit=0", /limit must be an integer >= 1/],
      ["entries?limit=999999", /limit must be at most 5000/],
      ["entries?from=5&to=2", /from \(5\) is after to \(2\)/],
      ["entries?view=fancy", /view must be/],
      ["entries?page=2", /unknown query parameter "page"/],
      ["state?at=-1", /at must be an integer/],
      ["state?at=1e3", /at must be an integer/],
      ["state?at=99999", /no state at seq 99999/],
      ["diff?from=1", /needs both from=SEQ and to=SEQ/],
      ["events?from=x", /from must be an integer/],
    ];
    for (const [path, message] of cases) {
      const res = await h.api(`/api/threads/${threadId}/${path}`);
      expect(res.status, path).toBe(400);
      expect(res.body.error, path).toMatch(message);
    }
  });

  it("folds the state at a seq: what the model saw, turns, tokens; and diffs two points", async () => {
    const turns = (await h.api(`/api/threads/${threadId}/turns`)).body.turns;
    expect(turns.map((t: any) => [t.index, t.status, t.userMessage])).toEqual([[0, "completed", "first question"], [1, "completed", "second question"]]);
    const at = turns[0].lastSeq;
    const { state } = (await h.api(`/api/threads/${threadId}/state?at=${at}`)).body;
    expect(state.seq).toBe(at);
    expect(state.turnCount).toBe(1);
    expect(state.lastTurn).toMatchObject({ index: 0, status: "completed", userMessage: "first question" });
    expect(state.turns).toBeUndefined();
    const said = state.prompt.filter((i: any) => i.type === "message" && i.role !== "developer").map((i: any) => `${i.role}: ${i.content.map((c: any) => c.text).join("")}`);
    expect(said.at(-2)).toBe("user: first question");
    expect(said.at(-1)).toBe("assistant: first answer");
    expect(state.tokenUsage.total_token_usage).toBeDefined();
    expect(state.history).toBeUndefined();
    const withHistory = (await h.api(`/api/threads/${threadId}/state?at=${at}&history=1&turns=1`)).body.state;
    expect(withHistory.history).toHaveLength(withHistory.historyLength);
    expect(withHistory.turns).toHaveLength(1);
    // What the inspector's state panel asks for: the prompt's last items, and where they start.
    expect(state.promptStart).toBe(0);
    expect(state.promptLength).toBe(state.prompt.length);
    const tail = (await h.api(`/api/threads/${threadId}/state?at=${at}&promptTail=2`)).body.state;
    expect(tail).toMatchObject({ promptLength: state.prompt.length, promptStart: state.prompt.length - 2, prompt: state.prompt.slice(-2) });
    expect((await h.api(`/api/threads/${threadId}/state?at=${at}&promptTail=0`)).body.state.prompt).toEqual([]);
    const bad = await h.api(`/api/threads/${threadId}/state?at=${at}&promptTail=-1`);
    expect([bad.status, bad.body.error]).toEqual([400, 'query parameter promptTail must be an integer >= 0, got "-1"']);
    const { diff } = (await h.api(`/api/threads/${threadId}/diff?from=${at}&to=${turns[1].lastSeq}`)).body;
    expect(diff.historyRemoved).toEqual([]);
    expect(diff.historyAdded.map((i: any) => i.role)).toEqual(["user", "assistant"]);
    expect(diff.turns).toEqual([{ id: turns[1].id, change: "new", after: "completed", userMessage: "second question" }]);
  });
});

describe("writing", () => {
  it("answers 400 with what was wrong for bad bodies, 413 for huge ones", async () => {
    const path = `/api/threads/${threadId}/submissions`;
    const notJson = await h.api(path, { body: "{op:", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/not valid JSON/);
    const wrongType = await h.api(path, { body: "{}", headers: { "content-type": "text/plain" } });
    expect(wrongType.body.error).toMatch(/Content-Type: application\/json/);
    const noOp = await h.api(path, { body: { id: "x" } });
    expect(noOp.status).toBe(400);
    expect(noOp.body.error).toMatch(/^submission: op: /);
    const badOp = await h.api(path, { body: { op: { type: "user_input", items: "hello" } } });
    expect(badOp.status).toBe(400);
    expect(badOp.body.error).toMatch(/items/);
    const unknownOp = await h.api(path, { body: { op: { type: "format_disk" } } });
    expect(unknownOp.status).toBe(400);
    expect(unknownOp.body.error).toMatch(/format_disk/);
    const badCwd = await h.api("/api/threads", { body: { cwd: "relative/dir", approvalPolicy: "sometimes" } });
    expect(badCwd.status).toBe(400);
    expect(badCwd.body.error).toMatch(/approvalPolicy/);
    const extra = await h.api(`/api/threads/${threadId}/fork`, { body: { atSeq: 2, copy: true } });
    expect(extra.status).toBe(400);
    const beyond = await h.api(`/api/threads/${threadId}/fork`, { body: { atSeq: 10_000 } });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error).toMatch(/cannot fork thread .* at seq 10000/);
    const huge = await h.api(path, { body: JSON.stringify({ op: { type: "user_input", items: [{ type: "text", text: "x".repeat(9 * 1024 * 1024) }] } }) });
    expect(huge.status).toBe(413);
    // Nothing of the refused requests reached the log.
    const after = (await h.api(`/api/threads/${threadId}/entries?types=submission&view=summary`)).body.entries;
    expect(after.map((e: any) => e.type)).toEqual(["user_input", "user_input"]);
  });

  it("starts a thread, submits user input, and streams its entries live", async () => {
    const started = await h.api("/api/threads", { body: { cwd: h.loom.cwd, approvalPolicy: "never", name: "from the API" } });
    expect(started.status).toBe(201);
    const id = started.body.thread.id;
    expect(started.body.thread).toMatchObject({ name: "from the API", live: true });
    expect(started.body.thread.parentId).toBeUndefined();
    const stream = await openEvents(new URL(`/api/threads/${id}/events?from=1`, h.server.url).href);
    try {
      await stream.waitFor((e) => e.kind === "event_msg" && e.payload.type === "session_configured");
      h.loom.server.enqueue(textTurn("hello from the fake model"));
      const sent = await h.api(`/api/threads/${id}/submissions`, { body: { id: "sub-1", op: { type: "user_input", items: [{ type: "text", text: "hi" }] } } });
      expect(sent.status).toBe(202);
      expect(sent.body).toEqual({ id: "sub-1", threadId: id });
      const done = await stream.waitFor((e) => e.kind === "event_msg" && e.payload.type === "task_complete");
      expect(done.payload.last_agent_message).toBe("hello from the fake model");
      const seqs = stream.entries.map((e) => e.data.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(stream.entries.map((e) => Number(e.id))).toEqual(seqs);
    } finally {
      stream.close();
    }
  });

  it("forks at a seq and continues the fork; rolls back; replays without divergence", async () => {
    const turns = (await h.api(`/api/threads/${threadId}/turns`)).body.turns;
    const forked = await h.api(`/api/threads/${threadId}/fork`, { body: { atSeq: turns[0].lastSeq } });
    expect(forked.status).toBe(201);
    const fork = forked.body.thread;
    expect(fork).toMatchObject({ parentId: threadId, forkSeq: turns[0].lastSeq, live: true });
    h.loom.server.enqueue(textTurn("another second answer"));
    const stream = await openEvents(new URL(`/api/threads/${fork.id}/events?from=${fork.headSeq + 1}&view=summary`, h.server.url).href);
    try {
      await h.api(`/api/threads/${fork.id}/submissions`, { body: { op: { type: "user_input", items: [{ type: "text", text: "try again" }] } } });
      const done = await stream.waitFor((row) => row.type === "task_complete");
      expect(done.text).toContain("another second answer");
    } finally {
      stream.close();
    }
    const forkTurns = (await h.api(`/api/threads/${fork.id}/turns`)).body.turns;
    expect(forkTurns.map((t: any) => t.userMessage)).toEqual(["first question", "try again"]);
    expect((await h.api("/api/threads")).body.threads.find((t: any) => t.id === fork.id).parentId).toBe(threadId);
    // The original is untouched; a rollback of it drops its last turn from the model's view.
    const rolled = await h.api(`/api/threads/${threadId}/rollback`, { body: { numTurns: 1 } });
    expect(rolled.status).toBe(200);
    expect(rolled.body.turns.map((t: any) => t.userMessage)).toEqual(["first question"]);
    const replay = await h.api(`/api/threads/${threadId}/replay`, { body: {} });
    expect(replay.status).toBe(200);
    expect(replay.body.report.divergence).toBeUndefined();
    expect(replay.body.report.replayed).toBeGreaterThan(10);
  });

  it("answers a pending approval of a running thread", async () => {
    const started = await h.api("/api/threads", { body: { cwd: h.loom.cwd, approvalPolicy: "untrusted" } });
    const id = started.body.thread.id;
    h.loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }), textTurn("made it"));
    const stream = await openEvents(new URL(`/api/threads/${id}/events?view=summary`, h.server.url).href);
    try {
      await h.api(`/api/threads/${id}/submissions`, { body: { op: { type: "user_input", items: [{ type: "text", text: "make a file" }] } } });
      await stream.waitFor((row) => row.type === "exec_approval_request");
      const live = (await h.api(`/api/threads/${id}`)).body.thread;
      expect(live.pendingApprovals).toBe(1);
      const pending = (await h.api(`/api/threads/${id}/state`)).body.state.pendingApprovals;
      expect(pending).toMatchObject([{ kind: "exec", id: "c1" }]);
      const stale = await h.api(`/api/threads/${id}/submissions`, { body: { op: { type: "exec_approval", id: "nope", decision: "approved" } } });
      expect(stale.status).toBe(202); // logged, and answered with an error event
      await stream.waitFor((row) => row.type === "error" && row.text.includes('"nope"'));
      await h.api(`/api/threads/${id}/submissions`, { body: { op: { type: "exec_approval", id: "c1", decision: "approved" } } });
      const done = await stream.waitFor((row) => row.type === "task_complete");
      expect(done.text).toContain("made it");
    } finally {
      stream.close();
    }
  });
});

describe("the live stream", () => {
  it("resumes after a reconnect from Last-Event-ID with no gap and no duplicate", async () => {
    const url = new URL(`/api/threads/${threadId}/events?from=3`, h.server.url).href;
    const first = await openEvents(url);
    await first.waitFor((e) => e.seq === 6);
    first.close();
    const lastId = first.entries.at(-1)!.id;
    const thread = await h.loom.rt.resumeThread(threadId);
    h.loom.server.enqueue(textTurn("third answer"));
    const running = thread.run("third question");
    const second = await openEvents(url, { lastEventId: lastId });
    try {
      await second.waitFor((e) => e.kind === "event_msg" && e.payload.type === "task_complete" && e.payload.last_agent_message === "third answer");
      await running;
      const seqs = [...first.entries, ...second.entries].map((e) => e.data.seq);
      expect(seqs[0]).toBe(3);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 3));
    } finally {
      second.close();
    }
    const bad = await h.api(`/api/threads/${threadId}/events`, { headers: { "last-event-id": "abc" } });
    expect(bad.status).toBe(400);
  });

  it("ends open streams when the server closes", async () => {
    const stream = await openEvents(new URL(`/api/threads/${threadId}/events`, h.server.url).href);
    await stream.waitFor((e) => e.seq === 1);
    await h.server.close();
    await stream.ended;
  });
});
