// A long Codex-like thread for benchmarks: turns of reasoning, shell calls with output, streamed
// answers and token counts, an auto-compaction every 12 turns, appended turn by turn with snapshots
// every K entries as the runtime writes them. Deterministic, so runs are comparable.
import { ThreadStateStore } from "../dist/runtime/state-store.js";
import { buildCompactedHistory, collectUserMessages, evolve, initialState, summaryText } from "../dist/state/index.js";

/** Deterministic filler so runs are comparable. */
let seed = 7;
export function random() {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const text = (bytes) => {
  const words = ["const", "value", "return", "function", "thread", "state", "=>", "{", "}", "await", "import", "error", "test", "log"];
  let out = "";
  while (out.length < bytes) out += words[Math.floor(random() * words.length)] + (random() < 0.1 ? "\n" : " ");
  return out.slice(0, bytes);
};
const AGENTS_MD = `# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>\n${text(1500)}\n</INSTRUCTIONS>`;
const usage = (n) => ({ input_tokens: n, cached_input_tokens: Math.floor(n * 0.8), output_tokens: 300, reasoning_output_tokens: 120, total_tokens: n + 300 });
const tokenCount = (n) => ({ kind: "event_msg", payload: { type: "token_count", info: { total_token_usage: usage(n), last_token_usage: usage(n), model_context_window: 258400 } } });
const ev = (payload) => ({ kind: "event_msg", payload });
const ri = (payload) => ({ kind: "response_item", payload });
const message = (role, type, body) => ri({ type: "message", role, content: [{ type, text: body }] });

/** One user turn as a Codex session logs it; `compact` makes it start with an auto-compaction. */
export function turnEntries(n, history, compact) {
  const turnId = `turn-${n}`;
  const out = [ev({ type: "task_started", turn_id: turnId, model_context_window: 258400 })];
  if (compact) {
    const summary = summaryText(text(2000));
    const replacement = buildCompactedHistory([], collectUserMessages(history), summary);
    out.push({ kind: "compacted", payload: { message: summary, replacement_history: replacement } }, tokenCount(5000), ev({ type: "context_compacted" }));
  }
  out.push(
    {
      kind: "turn_context",
      payload: {
        turn_id: turnId,
        cwd: "/repo",
        current_date: "2026-01-01",
        timezone: "Etc/UTC",
        approval_policy: "on-request",
        sandbox_policy: { type: "workspace-write", network_access: false },
        model: "gpt-5.5",
        effort: "medium",
        summary: "auto",
        user_instructions: AGENTS_MD,
        truncation_policy: { mode: "tokens", limit: 10000 },
      },
    },
    message("user", "input_text", `Please do task ${n}: ${text(200)}`),
    ev({ type: "user_message", message: `Please do task ${n}` }),
    ev({ type: "token_count", info: null }),
  );
  const steps = 3 + Math.floor(random() * 5);
  for (let s = 0; s < steps; s++) {
    const callId = `call-${n}-${s}`;
    const command = ["bash", "-lc", `rg -n "${text(12)}" src`];
    const output = text(600 + Math.floor(random() * 1400));
    out.push(
      ri({ type: "reasoning", summary: [{ type: "summary_text", text: text(150) }], encrypted_content: text(1200) }),
      ri({ type: "function_call", name: "exec_command", arguments: JSON.stringify({ cmd: command[2] }), call_id: callId }),
      ev({ type: "exec_command_begin", call_id: callId, turn_id: turnId, command, cwd: "/repo", parsed_cmd: [] }),
      ev({ type: "exec_command_output_delta", call_id: callId, stream: "stdout", chunk: output.slice(0, 300) }),
      ev({
        type: "exec_command_end",
        call_id: callId,
        turn_id: turnId,
        command,
        cwd: "/repo",
        parsed_cmd: [],
        stdout: output,
        stderr: "",
        aggregated_output: output,
        exit_code: 0,
        duration: { secs: 0, nanos: 5_000_000 },
        formatted_output: output,
      }),
      ri({ type: "function_call_output", call_id: callId, output: `Exit code: 0\nWall time: 0.1 seconds\nOutput:\n${output}` }),
      tokenCount(20000 + n * 10 + s),
    );
  }
  const answer = text(400);
  for (let d = 0; d < 6; d++) out.push(ev({ type: "agent_message_delta", delta: answer.slice(d * 60, d * 60 + 60) }));
  out.push(ev({ type: "agent_message", message: answer }), message("assistant", "output_text", answer), tokenCount(30000 + n), ev({ type: "task_complete", turn_id: turnId, last_agent_message: answer }));
  return out;
}

/** Appends turns until `entries`, folding the head and snapshotting every `k` entries, as the runtime does. */
export async function buildThread(log, threadId, entries, k) {
  await log.createThread({ id: threadId });
  const store = new ThreadStateStore(log, { snapshotEvery: k });
  let head = initialState(threadId);
  let turn = 0;
  while (head.seq < entries) {
    turn++;
    let batch = turnEntries(turn, head.history, turn % 12 === 0);
    if (head.seq + batch.length > entries) batch = batch.slice(0, entries - head.seq);
    for (const entry of await log.append(threadId, batch)) {
      head = evolve(head, entry);
      await store.maybeSnapshot(threadId, head);
    }
  }
  return { turns: turn, head };
}

