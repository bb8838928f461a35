// Runs one unconfined command under a forced lifetime launcher and waits until it is killed. Run by
// lifetime.test.ts to SIGKILL a real process that ran a command through the launcher a non-root
// Loom gets (the parent-death signal), which the root test machine would not pick by itself.
import { runShell } from "../../dist/actors/shell/index.js";
import { findExecutable, probeHostSandbox } from "../../dist/sandbox/index.js";

const [lifetime, marker] = process.argv.slice(2);
const host = await probeHostSandbox();
const setpriv = findExecutable("setpriv", process.env.PATH ?? "");
const forced = { ...host, lifetime: lifetime === "parent-death-signal" ? { type: lifetime, setpriv } : { type: lifetime } };
await runShell({
  command: ["bash", "-c", `sleep ${marker} & setsid sleep ${marker} & sleep ${marker}`],
  cwd: process.cwd(),
  timeoutMs: 60_000,
  host: forced,
  onSpawn: () => process.stdout.write("started\n"),
});
