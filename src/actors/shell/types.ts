/** What a shell run takes and gives back. */
import type { SandboxPolicy } from "../../events/index.js";
import type { HostSandbox } from "../../sandbox/index.js";

export interface ShellOutputChunk {
  stream: "stdout" | "stderr";
  /** Raw bytes as read (may split UTF-8 sequences); Codex's output delta events carry them base64. */
  chunk: Buffer;
}

export interface RunShellOptions {
  /** argv, spawned directly (no shell): `["bash", "-lc", "..."]` when a shell is wanted. */
  command: readonly string[];
  cwd: string;
  /** Kill the process group after this long (at most an hour). Undefined: Codex's 10 s default. Null: no limit. */
  timeoutMs?: number | null;
  /** The child's whole environment. Undefined: inherit this process's environment. */
  env?: Readonly<Record<string, string>>;
  /** Aborting kills the whole process group at once (an interrupt). */
  signal?: AbortSignal;
  /** Bytes kept per stream and for the aggregate. Default 1 MiB, Codex's exec output cap. */
  maxOutputBytes?: number;
  /** Live output, at most 10,000 chunks per stream as in Codex and 1 MiB per call. Must not throw. */
  onOutput?: (chunk: ShellOutputChunk) => void;
  /** Live output bytes per call (default 1 MiB): past it, output is only captured. */
  maxOutputDeltaBytes?: number;
  /**
   * The policy the command runs under, and whether the platform sandbox confines it. Absent: an
   * unconfined command (the user's own), still tied to Loom's life.
   */
  sandbox?: { policy: SandboxPolicy; policyCwd: string; confine: boolean };
  /** The host's sandbox facts (default: probed once per process). */
  host?: HostSandbox;
  /** Written to the child's stdin, which is then closed (default: stdin is closed from the start). Hooks get their JSON payload this way. */
  stdin?: string;
  /** Called once the child is running, with its pid (also its process group id). */
  onSpawn?: (pid: number) => void;
}

export interface ShellResult {
  /** The exit status; 124 on timeout, 128+N when killed by signal N, -1 when it never started. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr (not interleaved), capped like Codex's aggregate: what the model reads. */
  aggregatedOutput: string;
  durationMs: number;
  timedOut: boolean;
  /** The AbortSignal fired before the command finished. */
  aborted: boolean;
  /** Set when the command could not be started: Codex's `execution error: ...` text. */
  spawnError?: string;
  /** The child's pid (and process group id); absent when it never started. */
  pid?: number;
  /** Whether the platform sandbox confined the run. */
  sandbox?: "bubblewrap" | "none";
  /** The policy had cut the network. */
  networkRestricted?: boolean;
}
