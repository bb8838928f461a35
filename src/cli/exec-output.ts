/**
 * `loom exec`'s human output on stderr, shaped like `codex exec`'s (exec/src/
 * event_processor_with_human_output.rs): a configuration summary, then one block per thing that
 * happened — the model's reasoning as it finishes thinking, each command with its exit status and
 * the first lines of its output, patches with the files they touch, MCP calls by server and tool,
 * warnings, errors and refusals — and the token count at the end. Deltas are not printed: they split
 * words across lines, and the finished message says the same. The final answer goes to stdout.
 */
import { isAbsolute, relative } from "node:path";
import type { EventMsg, SandboxPolicy } from "../events/index.js";

/** Lines of a command's output shown before "… +N lines". */
export const OUTPUT_LINES_SHOWN = 10;
const LINE_CHARS = 200;

type Style = (text: string) => string;

function styles(color: boolean) {
  const sgr = (code: string): Style => (color ? (text) => `\u001b[${code}m${text}\u001b[0m` : (text) => text);
  return { bold: sgr("1"), dim: sgr("2"), italic: sgr("3"), red: sgr("31"), green: sgr("32"), yellow: sgr("33"), magenta: sgr("35"), cyan: sgr("36") };
}

export interface HeaderFacts {
  version: string;
  workdir: string;
  model: string;
  provider: string;
  approval: string;
  sandbox: SandboxPolicy;
  /** What confines commands here (bubblewrap, or none and why): session_configured.sandbox, described. */
  enforcement?: string;
  effort: string | null | undefined;
  threadId: string;
  resumed: boolean;
}

export class HumanOutput {
  private readonly s: ReturnType<typeof styles>;
  private totalTokens: number | undefined;
  /** The thread's working directory: paths under it are shown relative to it. */
  private workdir: string | undefined;

  constructor(
    private readonly err: (line: string) => void,
    color: boolean,
  ) {
    this.s = styles(color);
  }

  header(facts: HeaderFacts, prompt: string): void {
    const { s } = this;
    this.workdir = facts.workdir;
    this.err(`loom ${facts.version}\n--------`);
    const entries: [string, string][] = [
      ["workdir", facts.workdir],
      ["model", facts.model],
      ["provider", facts.provider],
      ["approval", facts.approval],
      ["sandbox", summarizeSandbox(facts.sandbox)],
      ...(facts.enforcement ? [["enforced by", facts.enforcement] as [string, string]] : []),
      ["reasoning effort", facts.effort ?? "none"],
      [facts.resumed ? "resumed thread" : "thread id", facts.threadId],
    ];
    for (const [key, value] of entries) this.err(`${s.bold(`${key}:`)} ${value}`);
    this.err("--------");
    this.err(`${s.cyan("user")}\n${clipLines(prompt, OUTPUT_LINES_SHOWN)}`);
  }

  /** A request exec answered itself, because nobody can answer inside exec. */
  refused(what: string): void {
    this.err(`${this.s.yellow(this.s.bold("refused:"))} ${what} (exec cannot ask for approval; use loom proto, or --approval-policy never)`);
  }

  event(msg: EventMsg): void {
    const { s } = this;
    switch (msg.type) {
      case "item_started":
        // Progress while the model thinks: reasoning is shown when its summary is complete.
        if (msg.item.type === "Reasoning") this.err(s.dim(s.italic("thinking…")));
        return;
      case "agent_reasoning":
        if (msg.text.trim()) this.err(s.dim(msg.text));
        return;
      case "agent_message":
        this.err(`${s.magenta(s.italic("assistant"))}\n${msg.message}`);
        return;
      case "exec_command_begin":
        this.err(`${s.magenta(s.italic("exec"))}\n${s.bold(msg.command.join(" "))} in ${msg.cwd}`);
        return;
      case "exec_command_end": {
        const took = ` in ${durationMs(msg.duration)}ms`;
        if (msg.status === "declined") this.err(s.yellow(` declined${took}:`));
        else if (msg.exit_code === 0) this.err(s.green(` succeeded${took}:`));
        else this.err(s.red(` exited ${msg.exit_code}${took}:`));
        if (msg.aggregated_output.trim()) this.err(s.dim(clipLines(msg.aggregated_output, OUTPUT_LINES_SHOWN)));
        return;
      }
      case "patch_apply_begin":
        this.err(s.bold("apply patch"));
        for (const path of Object.keys(msg.changes)) this.err(s.dim(`  ${this.shown(path)}`));
        return;
      case "patch_apply_end":
        this.err(`${s.bold("patch:")} ${msg.success ? s.green("completed") : s.red("failed")}`);
        if (!msg.success && msg.stderr.trim()) this.err(s.red(clipLines(msg.stderr, OUTPUT_LINES_SHOWN)));
        return;
      case "mcp_tool_call_begin":
        this.err(`${s.bold("mcp:")} ${s.cyan(`${msg.invocation.server}/${msg.invocation.tool}`)} ${s.dim("started")}`);
        return;
      case "mcp_tool_call_end": {
        const failed = mcpFailed(msg.result);
        this.err(`${s.bold("mcp:")} ${s.cyan(`${msg.invocation.server}/${msg.invocation.tool}`)} ${s.dim(`(${failed ? s.red("failed") : s.green("completed")})`)}`);
        if (typeof failed === "string") this.err(s.red(clipLines(failed, OUTPUT_LINES_SHOWN)));
        return;
      }
      case "plan_update":
        if (msg.explanation) this.err(s.italic(msg.explanation));
        for (const step of msg.plan) {
          const mark = step.status === "completed" ? s.green("✓") : step.status === "in_progress" ? s.cyan("→") : s.dim("•");
          this.err(`  ${mark} ${step.status === "pending" ? s.dim(step.step) : step.step}`);
        }
        return;
      case "warning":
        this.err(`${s.yellow(s.bold("warning:"))} ${msg.message}`);
        return;
      case "stream_error":
        this.err(`${s.yellow(s.bold("warning:"))} ${msg.message}${msg.additional_details ? ` (${msg.additional_details})` : ""}`);
        return;
      case "error":
        this.err(`${s.red(s.bold("ERROR:"))} ${msg.message}`);
        return;
      case "context_compacted":
        this.err(s.dim("context compacted"));
        return;
      case "turn_aborted":
        this.err(s.dim("turn interrupted"));
        return;
      case "token_count":
        if (msg.info) this.totalTokens = blendedTotal(msg.info.total_token_usage);
        return;
      default:
        return;
    }
  }

  private shown(path: string): string {
    const rel = this.workdir ? relative(this.workdir, path) : path;
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
  }

  /** Codex's closing line: the tokens the thread has used. */
  finish(): void {
    if (this.totalTokens !== undefined) this.err(`${this.s.dim("tokens used")}\n${this.totalTokens.toLocaleString("en-US")}`);
  }
}

/** The first `max` lines of `text`, each clipped, then how many were left out. */
export function clipLines(text: string, max: number): string {
  const lines = text.replace(/\n+$/, "").split("\n");
  const shown = lines.slice(0, max).map((line) => (line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line));
  if (lines.length > max) shown.push(`… +${lines.length - max} lines`);
  return shown.join("\n");
}

function durationMs(duration: unknown): number {
  const d = duration as { secs?: unknown; nanos?: unknown } | undefined;
  const secs = typeof d?.secs === "number" ? d.secs : 0;
  const nanos = typeof d?.nanos === "number" ? d.nanos : 0;
  return Math.round(secs * 1000 + nanos / 1e6);
}

/** False when the call succeeded; true, or the error's text, when it failed. */
function mcpFailed(result: unknown): false | true | string {
  const outcome = result as { Err?: unknown; Ok?: { isError?: unknown; content?: unknown } } | undefined;
  if (typeof outcome?.Err === "string") return outcome.Err;
  return outcome?.Ok?.isError === true;
}

/** Codex's `blended_total`: input not served from cache, plus output. */
function blendedTotal(usage: { input_tokens: number; cached_input_tokens: number; output_tokens: number }): number {
  return Math.max(0, Math.max(0, usage.input_tokens - Math.max(0, usage.cached_input_tokens)) + Math.max(0, usage.output_tokens));
}

/** Codex's `summarize_sandbox_policy`. */
export function summarizeSandbox(policy: SandboxPolicy): string {
  switch (policy.type) {
    case "danger-full-access":
      return "danger-full-access";
    case "read-only":
      return `read-only${(policy as { network_access?: boolean }).network_access ? " (network access enabled)" : ""}`;
    case "workspace-write": {
      const roots = ["workdir"];
      if (!policy.exclude_slash_tmp) roots.push("/tmp");
      if (!policy.exclude_tmpdir_env_var) roots.push("$TMPDIR");
      roots.push(...(policy.writable_roots ?? []));
      return `workspace-write [${roots.join(", ")}]${policy.network_access ? " (network access enabled)" : ""}`;
    }
    default:
      return (policy as { type: string }).type;
  }
}
