// Appends to two threads in a loop, pipelining, and prints each acknowledged append as
// "<threadId> <last seq> <entry count>" until it is killed. Run by crash.test.ts.
import { LevelEventLog } from "../../dist/log/index.js";

const dir = process.argv[2];
const log = await LevelEventLog.open(dir);
for (const id of ["a", "b"]) await log.createThread({ id });

function entries(append, size) {
  return Array.from({ length: size }, (_, k) => ({
    kind: "event_msg",
    payload: { type: "agent_message_delta", delta: `append ${append} part ${k + 1}/${size}` },
  }));
}

for (let i = 0; ; i++) {
  const id = i % 2 === 0 ? "a" : "b";
  const acked = log.append(id, entries(i, 1 + (i % 3))).then((written) => {
    process.stdout.write(`${id} ${written[written.length - 1].seq} ${written.length}\n`);
  });
  // Keep many appends in flight, but let the loop yield so batches commit and acks go out.
  if (i % 32 === 31) await acked;
}
