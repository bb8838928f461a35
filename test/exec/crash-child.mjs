// Starts a unified exec process (a shell with a background grandchild) the way a thread does, prints
// both pids, then waits to be killed. Run by lifetimes.test.ts, which SIGKILLs it: no cleanup of
// this process runs, and the reaper must still end what it started.
import { ProcessManager, execEnv, shellArgv } from "../../dist/actors/exec/index.js";

const manager = new ProcessManager();
const output = await manager.execCommand({
  command: shellArgv("/bin/bash", `sleep ${process.argv[3]} & echo started; wait # ${process.argv[3]}`, false),
  cwd: process.cwd(),
  env: execEnv(process.env, "crash-test"),
  tty: process.argv[2] === "tty",
  yieldTimeMs: 250,
  maxOutputTokens: 100,
  callId: "call",
  turnId: "turn",
  onStart: async () => undefined,
  observer: { output: () => undefined, end: () => undefined },
});
process.stdout.write(`${output.raw.toString().trim()}\n`);
setInterval(() => undefined, 1_000);
