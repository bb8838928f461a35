// A minimal Responses API server for benchmarks: every request gets a short text answer at once.
import { createServer } from "node:http";

function sse(events) {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join("");
}

export async function startInstantModel(text = "ok") {
  let n = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      n += 1;
      const id = `resp_${n}`;
      const item = { type: "message", role: "assistant", id: `msg_${n}`, content: [{ type: "output_text", text }] };
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        sse([
          { type: "response.created", response: { id } },
          { type: "response.output_item.added", item: { ...item, content: [] } },
          { type: "response.output_text.delta", delta: text },
          { type: "response.output_item.done", item },
          {
            type: "response.completed",
            response: { id, usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 102 } },
          },
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
