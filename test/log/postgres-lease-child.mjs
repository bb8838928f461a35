// A worker holding a lease, for the split-brain test: opens the log, takes the lease on the thread
// and appends one entry, prints "ready <token>", then appends one entry per "append" line on stdin
// and prints "ok <seq>" or "error <name> <message>". The test pauses it (SIGSTOP) past its lease.
import { createInterface } from "node:readline";
import { PostgresEventLog } from "../../dist/log/index.js";

const [url, schema, threadId, ttl] = process.argv.slice(2);
const log = await PostgresEventLog.open(url, { schema, owner: "paused-worker", leaseTtlMs: Number(ttl) });
const lease = await log.acquireLease(threadId);
const delta = (text) => [{ kind: "event_msg", payload: { type: "agent_message_delta", delta: text } }];
await log.append(threadId, delta("written under the first lease"));
process.stdout.write(`ready ${lease.token}\n`);
let n = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== "append") continue;
  try {
    const [entry] = await log.append(threadId, delta(`from the paused worker ${++n}`));
    process.stdout.write(`ok ${entry.seq}\n`);
  } catch (error) {
    process.stdout.write(`error ${error.name} ${error.message}\n`);
  }
}
await log.close();
