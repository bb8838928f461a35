// Runs the real Codex CLI offline against the fake Responses server: an isolated CODEX_HOME and
// HOME per scenario, `codex exec` as a one-shot child, and `codex app-server` as a JSON-RPC peer.
// Everything here is process IO; the scenarios decide what to run.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface Sandbox {
  root: string;
  home: string;
  codexHome: string;
  /** The working directory Codex runs in (also the thread cwd). */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface SandboxOptions {
  /** Extra top-level config.toml lines. */
  config?: string[];
  /** Extra tables (`[features]` ...), written after everything else. */
  tables?: string[];
  /** Replaces the default `sandbox_mode = "danger-full-access"`. */
  sandboxMode?: string;
  /** Files written into the working directory before Codex starts (relative path -> content). */
  files?: Record<string, string | Buffer>;
}

/** A fresh sandbox under `root` (wiped first), with config.toml pointing Codex at `baseURL`. */
export function makeSandbox(root: string, baseURL: string, options: SandboxOptions = {}): Sandbox {
  rmSync(root, { recursive: true, force: true });
  const home = join(root, "home");
  const codexHome = join(home, ".codex");
  const cwd = join(root, "work");
  // Codex refuses to put its helper binaries on PATH when CODEX_HOME sits under the temp dir, so
  // the sandbox gets its own TMPDIR: Codex then behaves as in a normal install wherever root is.
  const tmp = join(root, "tmp");
  for (const dir of [codexHome, cwd, tmp]) mkdirSync(dir, { recursive: true });
  const config = [
    `model = "gpt-5.5"`,
    `model_provider = "fake"`,
    `approval_policy = "never"`,
    `sandbox_mode = "${options.sandboxMode ?? "danger-full-access"}"`,
    ...(options.config ?? []),
    ``,
    `[model_providers.fake]`,
    `name = "fake"`,
    `base_url = "${baseURL}"`,
    `wire_api = "responses"`,
    `env_key = "FAKE_KEY"`,
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
    `[analytics]`,
    `enabled = false`,
    `[feedback]`,
    `enabled = false`,
    `[otel]`,
    `exporter = "none"`,
    ...(options.tables ?? []),
    ``,
  ].join("\n");
  writeFileSync(join(codexHome, "config.toml"), config);
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(cwd, name), content);
  // A minimal, stable environment: nothing from the caller's OpenAI or Codex setup leaks in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CODEX_HOME: codexHome,
    FAKE_KEY: "x",
    SHELL: "/bin/bash",
    TMPDIR: tmp,
    TZ: "UTC",
    LANG: "C.UTF-8",
    TERM: "dumb",
  };
  return { root, home, codexHome, cwd, env };
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `codex <args>` with stdin from /dev/null, killed after `timeoutMs`. */
export function runCodex(
  codex: string,
  sandbox: Sandbox,
  args: string[],
  timeoutMs: number,
  onStderr?: (all: string) => void,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(codex, args, { cwd: sandbox.cwd, env: sandbox.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      onStderr?.(stderr);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`codex ${args.join(" ")} timed out after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every rollout file under $CODEX_HOME/sessions, oldest first by name (names start with a timestamp). */
export function listRollouts(sandbox: Sandbox): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.startsWith("rollout-") && name.endsWith(".jsonl")) found.push(path);
    }
  };
  walk(join(sandbox.codexHome, "sessions"));
  return found.sort((a, b) => a.split("/").pop()!.localeCompare(b.split("/").pop()!));
}

export function rolloutForThread(sandbox: Sandbox, threadId: string): string {
  const path = listRollouts(sandbox).find((candidate) => candidate.endsWith(`-${threadId}.jsonl`));
  if (!path) throw new Error(`no rollout for thread ${threadId} under ${sandbox.codexHome}/sessions`);
  return path;
}

export type RolloutLine = { timestamp: string; type: string; payload: any };

export function readRollout(path: string): RolloutLine[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RolloutLine);
}

/**
 * Codex hands rollout lines to a writer task, so a notification can arrive before its line is on
 * disk: poll until `ready` holds for the file's lines. This is the generator, not a test.
 */
export async function waitForRollout(path: string, ready: (lines: RolloutLine[]) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch {
      // Not created yet.
    }
    if (text.endsWith("\n") && ready(text.split("\n").filter(Boolean).map((line) => JSON.parse(line)))) return text;
    if (Date.now() > deadline) throw new Error(`rollout ${path} did not reach the expected state in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Notification {
  method: string;
  params: any;
}

/** `codex app-server` over stdio: JSON-RPC lines, requests by id, notifications kept in order. */
export class AppServer {
  readonly notifications: Notification[] = [];
  /** Requests the server made of the client (approvals), in order. */
  readonly serverRequests: Notification[] = [];
  /** A scenario's answer to a server request (its JSON-RPC result), or undefined to refuse it. */
  answerServerRequest?: (method: string, params: any) => unknown;
  readonly stderr: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void; method: string }>();
  private readonly listeners = new Set<() => void>();
  private exited = false;

  constructor(codex: string, sandbox: Sandbox, private readonly timeoutMs: number) {
    this.child = spawn(codex, ["app-server"], { cwd: sandbox.cwd, env: sandbox.env, stdio: ["pipe", "pipe", "pipe"] });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.onLine(line));
    createInterface({ input: this.child.stderr }).on("line", (line) => this.stderr.push(line));
    this.child.on("exit", () => {
      this.exited = true;
      for (const { reject, method } of this.pending.values()) reject(new Error(`app-server exited during ${method}`));
      this.pending.clear();
      this.notify();
    });
  }

  /** `experimental` opts into experimental fields (turn/start's collaborationMode). */
  async initialize(experimental = false): Promise<void> {
    await this.request("initialize", {
      clientInfo: { name: "loom-fixtures", title: "Loom fixture generator", version: "0.1.0" },
      ...(experimental ? { capabilities: { experimentalApi: true } } : {}),
    });
    this.send({ method: "initialized" });
  }

  request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`app-server ${method} got no answer in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.send({ id, method, params });
    });
  }

  /** The position to wait from, taken before the call whose notifications are awaited. */
  mark(): number {
    return this.notifications.length;
  }

  /** The first notification at or after `since` with this method for which `match` holds. */
  waitFor(method: string, since: number, match: (params: any) => boolean = () => true): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = since; i < this.notifications.length; i++) {
          const note = this.notifications[i];
          if (note.method === method && match(note.params)) {
            resolve(note.params);
            return true;
          }
        }
        if (this.exited) reject(new Error(`app-server exited while waiting for ${method}`));
        return this.exited;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${method} notification in ${this.timeoutMs} ms; last: ${this.lastMethods()}`));
      }, this.timeoutMs);
      const listener = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.listeners.delete(listener);
        }
      };
      this.listeners.add(listener);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private lastMethods(): string {
    return this.notifications.slice(-8).map((note) => note.method).join(", ");
  }

  private send(message: object): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onLine(line: string): void {
    let message: any;
    try {
      message = JSON.parse(line);
    } catch {
      this.stderr.push(`(stdout, not JSON) ${line}`);
      return;
    }
    if (message.id !== undefined && message.method !== undefined) {
      // A server request (an approval or user-input prompt): answered only where a scenario expects one.
      this.serverRequests.push({ method: message.method, params: message.params });
      const answer = this.answerServerRequest?.(message.method, message.params);
      if (answer !== undefined) {
        this.send({ id: message.id, result: answer });
        return;
      }
      this.stderr.push(`unexpected server request ${message.method}`);
      this.send({ id: message.id, error: { code: -32601, message: "fixture generator does not answer server requests" } });
      return;
    }
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiter) return;
      if (message.error) waiter.reject(new Error(`app-server ${waiter.method}: ${JSON.stringify(message.error)}`));
      else waiter.resolve(message.result);
      return;
    }
    this.notifications.push({ method: message.method, params: message.params });
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
