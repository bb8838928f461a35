/**
 * What kills a thread's background processes when Loom itself dies without cleaning up (SIGKILL,
 * a crash, an OOM kill). Loom normally kills every process group it started at interrupt and
 * shutdown; but a dead process runs no `finally`. So one small helper shell is started, in its own
 * session so a Ctrl-C to Loom's terminal does not reach it, holding the read end of a pipe from
 * Loom. Loom tells it each process group it starts and each one that ends; when the pipe closes
 * (which the kernel does for every way a process can die) it kills the groups still listed.
 */
import { spawn, type ChildProcess } from "node:child_process";

// Reads "+PID" / "-PID" lines; at end of input kills every group still listed. Signals that would
// end it early (a terminal's SIGINT, SIGHUP) are ignored: only the closed pipe ends it.
const SCRIPT = `
trap '' INT HUP TERM QUIT
live=" "
while IFS= read -r line; do
  case "$line" in
    +*) live="$live\${line#+} " ;;
    -*) live=$(printf '%s' "$live" | sed "s/ \${line#-} / /") ;;
  esac
done
for pid in $live; do kill -KILL "-$pid" 2>/dev/null; done
`;

export class Reaper {
  private child: ChildProcess | null = null;

  track(pid: number): void {
    this.send(`+${pid}`);
  }

  untrack(pid: number): void {
    this.send(`-${pid}`);
  }

  private send(line: string): void {
    const child = this.start();
    if (!child?.stdin || child.stdin.destroyed) return;
    child.stdin.write(`${line}\n`);
  }

  private start(): ChildProcess | null {
    if (this.child) return this.child;
    try {
      const child = spawn("/bin/sh", ["-c", SCRIPT], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
      child.on("error", () => undefined);
      child.stdin!.on("error", () => undefined);
      // The reaper must never keep Loom running: neither its handle nor its pipe holds the loop.
      child.unref();
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      this.child = child;
    } catch {
      // Without a shell there is no reaper; normal cleanup still kills every process.
      return null;
    }
    return this.child;
  }
}

let shared: Reaper | undefined;

/** The process-wide reaper (one helper shell however many threads run). */
export function reaper(): Reaper {
  shared ??= new Reaper();
  return shared;
}
