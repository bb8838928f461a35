// The simulated agent thread every runtime in bench:peers runs: per turn a user message, a call of
// the host tool `lookup`, its 1 KB answer, and the model's final answer (4 messages, about 1.6 KB of
// content). Deterministic, so the runs are comparable and every runtime stores the same bytes.
import { createServer } from "node:http";

export const TOOL_NAME = "lookup";
export const TOOL_SPEC = {
  name: TOOL_NAME,
  description: "Look a record up in the host's database",
  inputSchema: { type: "object", properties: { key: { type: "string" } }, required: ["key"] },
};

let seed = 11;
function random() {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const WORDS = ["const", "value", "return", "function", "thread", "state", "record", "await", "import", "error", "test", "log", "user", "field"];
function text(bytes) {
  let out = "";
  while (out.length < bytes) out += WORDS[Math.floor(random() * WORDS.length)] + (random() < 0.1 ? "\n" : " ");
  return out.slice(0, bytes);
}

/** The content of turn n: what the user says, the tool call's arguments, the tool's answer, the final answer. */
export function turnContent(n) {
  return {
    user: `Turn ${n}: ${text(190)}`,
    args: JSON.stringify({ key: `record-${n}-${text(20)}` }),
    toolOutput: text(1024),
    answer: `Done with turn ${n}: ${text(300)}`,
  };
}

export const TURNS = Number(process.env.BENCH_TURNS ?? 200);
/** Every turn's content, fixed before any runtime runs. */
export const CONTENT = Array.from({ length: TURNS }, (_, i) => turnContent(i + 1));
export const CONTENT_BYTES = CONTENT.reduce((sum, c) => sum + Buffer.byteLength(c.user) + Buffer.byteLength(c.args) + Buffer.byteLength(c.toolOutput) + Buffer.byteLength(c.answer), 0);

/** Turn number a prompt belongs to ("Turn N: ..."). */
export function turnOf(prompt) {
  const match = /^Turn (\d+):/.exec(prompt);
  if (!match) throw new Error(`not a workload prompt: ${prompt.slice(0, 40)}`);
  return Number(match[1]);
}

function sse(events) {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

/**
 * A Responses API server playing the model of the workload: answering the user's message with a
 * `lookup` call, and the call's output with the turn's final answer, at once.
 */
export async function startWorkloadModel() {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      n += 1;
      const id = `resp_${n}`;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const input = body.input ?? [];
      const lastUser = input.findLast((item) => item.type === "message" && item.role === "user");
      const userText = lastUser?.content?.map((part) => part.text ?? "").join("") ?? "";
      const turn = turnOf(userText.slice(userText.indexOf("Turn ")));
      const content = CONTENT[turn - 1];
      const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 120 };
      const last = input.at(-1);
      let item;
      if (last?.type === "message" && last.role === "user") {
        item = { type: "function_call", id: `fc_${n}`, call_id: `call_${turn}`, name: TOOL_NAME, arguments: content.args };
      } else {
        item = { type: "message", role: "assistant", id: `msg_${n}`, content: [{ type: "output_text", text: content.answer }] };
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      const events = [{ type: "response.created", response: { id } }];
      if (item.type === "message") {
        events.push({ type: "response.output_item.added", item: { ...item, content: [] } }, { type: "response.output_text.delta", delta: content.answer });
      }
      events.push({ type: "response.output_item.done", item }, { type: "response.completed", response: { id, usage } });
      res.end(sse(events));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseURL: `http://127.0.0.1:${server.address().port}/v1`,
    requests: () => n,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
