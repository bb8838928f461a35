// A minimal Responses API server for benchmarks: every request gets a short text answer at once.
import { createServer } from "node:http";

function completed(id) {
  const usage = { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 102 };
  return { type: "response.completed", response: { id, usage } };
}

function sse(events) {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

/**
 * With `tools: true`, a request whose last input item is the user's message gets a shell call
 * (`echo`), and the request carrying its output gets the text answer: one tool call per turn.
 */
export async function startInstantModel(text = "ok", options = {}) {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      n += 1;
      const id = `resp_${n}`;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      const last = body.input?.at(-1);
      const lastText = JSON.stringify(last ?? "");
      if (lastText.includes("[hang]")) {
        // A stream that starts answering and never finishes (interrupt benchmarks).
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(sse([{ type: "response.created", response: { id } }, { type: "response.output_item.added", item: { type: "message", role: "assistant", id: `msg_${n}`, content: [] } }, { type: "response.output_text.delta", delta: "thinking..." }]));
        return;
      }
      if (lastText.includes("[sleep]") && last?.role === "user") {
        const call = { type: "function_call", id: `fc_${n}`, call_id: `call_${n}`, name: "shell", arguments: JSON.stringify({ command: ["sleep", "30"] }) };
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(sse([{ type: "response.created", response: { id } }, { type: "response.output_item.done", item: call }, completed(id)]));
        return;
      }
      if (options.tools) {
        if (last?.type === "message" && last.role === "user") {
          const call = { type: "function_call", id: `fc_${n}`, call_id: `call_${n}`, name: "shell", arguments: JSON.stringify({ command: ["echo", `step ${n}`] }) };
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.end(sse([{ type: "response.created", response: { id } }, { type: "response.output_item.done", item: call }, completed(id)]));
          return;
        }
      }
      const item = { type: "message", role: "assistant", id: `msg_${n}`, content: [{ type: "output_text", text }] };
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        sse([
          { type: "response.created", response: { id } },
          { type: "response.output_item.added", item: { ...item, content: [] } },
          { type: "response.output_text.delta", delta: text },
          { type: "response.output_item.done", item },
          completed(id),
        ]),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return n;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
