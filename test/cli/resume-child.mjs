// Resumes a thread in a fresh process and prints what its session announced (run by startup.test.ts
// with spawn-spy.cjs preloaded, to see whether opening it started any process).
import { createRuntime } from "../../dist/index.js";

const [dataDir, id] = process.argv.slice(2);
const rt = await createRuntime({ dataDir, config: {}, env: {}, model: { apiKey: "test", baseURL: "http://127.0.0.1:9/v1" } });
try {
  const thread = await rt.resumeThread(id);
  process.stdout.write(`${JSON.stringify(thread.configured.msg)}\n`);
} finally {
  await rt.close();
}
