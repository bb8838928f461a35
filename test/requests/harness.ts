// Loom as the fixture generator ran Codex: a fake Responses server answered by the same scripted
// model, a data dir that survives a "restart" (Codex's `exec resume` is a new process: `reopen`
// closes the runtime and opens a new one on the same data dir), the capture's skills and
// originator, and the configuration the scenario gave Codex.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { filter, firstValueFrom } from "rxjs";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import type { Thread } from "../../src/runtime/thread.js";
import type { EventMsg, Op } from "../../src/events/index.js";
import type { LoomConfig } from "../../src/config/index.js";
import type { SkillSummary } from "../../src/context/index.js";
import { startFakeResponses, type FakeResponses } from "../support/fake-responses.js";
import type { RecordedRequest } from "../support/fake-responses.js";
import { ScriptedModel } from "../../scripts/codex-fixtures/scripted-model.js";

export interface HarnessOptions {
  config?: LoomConfig;
  /** Codex's own skills as the capture lists them: written as SKILL.md files where Codex keeps them. */
  systemSkills?: SkillSummary[];
  originator: string;
  files?: Record<string, string | Buffer>;
  /** SKILL.md files by `codexHome:<path>` (the data dir) or `cwd:<path>`. */
  skillFiles?: Record<string, string>;
  /**
   * The sandbox root's length in Codex's run: the skills budget counts path bytes, so a run whose
   * list was cut needs paths as long as Codex's were.
   */
  rootLength?: number;
  /**
   * For a run of several threads (sub-agents): the thread of each of Codex's requests, in the order
   * Codex's server received them (threads numbered by first appearance). Which thread's request
   * comes first when two threads sample at once is a race in both runtimes, and the scripted model
   * numbers its call ids across threads; so Loom's requests are answered in Codex's order.
   */
  threadOrder?: number[];
}

export class RequestHarness {
  readonly model = new ScriptedModel();
  rt!: Runtime;
  private constructor(
    readonly server: FakeResponses,
    /** Laid out as the generator's sandbox: `home/.codex` (the data dir) and `work` (the cwd). */
    readonly root: string,
    readonly dataDir: string,
    readonly cwd: string,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions): Promise<RequestHarness> {
    const server = await startFakeResponses();
    const prefix = join(tmpdir(), "loom-req-");
    const pad = options.rootLength === undefined ? 0 : options.rootLength - prefix.length - 6;
    if (pad < 0) throw new Error(`a temp root of ${options.rootLength} characters cannot start with ${prefix}`);
    const root = await mkdtemp(prefix + "x".repeat(pad));
    const dataDir = join(root, "home", ".codex");
    const cwd = join(root, "work");
    // Commands start from an environment like the one the generator gave Codex: an empty home,
    // so no profile of this machine's user runs in the login shells.
    await mkdir(dataDir, { recursive: true });
    await mkdir(cwd);
    for (const [name, content] of Object.entries(options.files ?? {})) await writeFile(join(cwd, name), content);
    // Loom finds skills as Codex does: Codex's own ones need only their front matter here.
    for (const skill of options.systemSkills ?? []) {
      const dir = join(dataDir, "skills", ".system", skill.path.split("/").at(-2)!);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "SKILL.md"), `---\nname: ${JSON.stringify(skill.name)}\ndescription: ${JSON.stringify(skill.description)}\n---\n`);
    }
    for (const [where, content] of Object.entries(options.skillFiles ?? {})) {
      const [base, rel] = where.split(":") as [string, string];
      const path = join(base === "codexHome" ? dataDir : cwd, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
    const harness = new RequestHarness(server, root, dataDir, cwd, options);
    server.setHandler(options.threadOrder ? harness.inThreadOrder(options.threadOrder) : harness.model.reply);
    await harness.open();
    return harness;
  }

  /**
   * The model's replies, each given once its thread's turn in `order` has come. A request that waits
   * 5 s with no other arriving is answered anyway (Loom sent what Codex did not: the comparison then
   * says what differs, rather than the test hanging).
   */
  private inThreadOrder(order: number[]) {
    const threads = new Map<string, number>();
    let next = 0;
    const waiting = new Set<() => void>();
    const wake = () => {
      for (const resolve of waiting) resolve();
    };
    return async (request: RecordedRequest) => {
      const session = String(request.headers.session_id);
      if (!threads.has(session)) threads.set(session, threads.size);
      const thread = threads.get(session)!;
      let stall: NodeJS.Timeout | undefined;
      while (next < order.length && order[next] !== thread) {
        const turn = new Promise<"turn" | "stalled">((resolve) => {
          const onWake = () => {
            waiting.delete(onWake);
            resolve("turn");
          };
          waiting.add(onWake);
          stall = setTimeout(() => {
            waiting.delete(onWake);
            resolve("stalled");
          }, 5_000);
        });
        const outcome = await turn;
        clearTimeout(stall);
        if (outcome === "stalled") break;
      }
      const reply = this.model.reply(request);
      next += 1;
      wake();
      return reply;
    };
  }

  /** A new runtime on the same data dir: what a second `codex exec` process is to Codex. */
  async reopen(): Promise<void> {
    await this.rt.close();
    await this.open();
  }

  /** A thread as the fixtures' config.toml describes it (never ask, no sandbox, gpt-5.5). */
  startThread(options: { model?: string; sandboxMode?: string; approvalPolicy?: "never" | "untrusted" } = {}): Promise<Thread> {
    return this.rt.startThread({
      cwd: this.cwd,
      approvalPolicy: options.approvalPolicy ?? "never",
      sandboxMode: options.sandboxMode ?? "danger-full-access",
      model: options.model ?? "gpt-5.5",
    });
  }

  /** Submits an op that starts a turn and waits for the turn to end. */
  async turn(thread: Thread, op: Op | Record<string, unknown>): Promise<EventMsg> {
    const id = `turn-${Math.random().toString(36).slice(2)}`;
    const ended = firstValueFrom(
      thread.events$.pipe(filter((event) => event.id === id && (event.msg.type === "task_complete" || event.msg.type === "turn_aborted"))),
    );
    await thread.submit(op, { id });
    return (await ended).msg;
  }

  async close(): Promise<void> {
    await this.rt?.close();
    await this.server.close();
    await rm(this.root, { recursive: true, force: true });
  }

  private async open(): Promise<void> {
    this.rt = await createRuntime({
      dataDir: this.dataDir,
      durable: false,
      config: this.options.config ?? {},
      env: {},
      commandEnv: { PATH: process.env.PATH, HOME: join(this.root, "home"), SHELL: "/bin/bash", LANG: "C.UTF-8", TERM: "dumb" },
      model: { apiKey: "x", baseURL: this.server.baseURL },
      retry: { baseDelayMs: 1 },
      originator: this.options.originator,
    });
  }
}
