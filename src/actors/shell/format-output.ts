/**
 * How a finished shell call reads to the model and in exec_command_end (Codex
 * `core/src/tools/mod.rs` and the abort text of `tools/parallel.rs`).
 *
 * Codex has two shapes for the `shell` tool's output. The text shape
 *
 *     Exit code: 0
 *     Wall time: 0.1 seconds
 *     [Total output lines: 400]
 *     Output:
 *     ...
 *
 * is what current models see (freeform tools and the freeform apply_patch re-serialization); the
 * JSON shape `{"output":…,"metadata":{"exit_code":…,"duration_seconds":…}}` is the older one.
 */
import type { ShellResult } from "./types.js";
import {
  DEFAULT_TRUNCATION_POLICY,
  countLines,
  formattedTruncateText,
  truncateText,
  type TruncationPolicy,
} from "./truncate.js";

export interface FormatOptions {
  truncationPolicy?: TruncationPolicy;
  /** "text" (default) or Codex's structured JSON form. */
  style?: "text" | "json";
}

/**
 * The function_call_output text for a shell run: the exit/wall-time shape, the
 * `aborted by user` form after an interrupt, or the `execution error` when it never started.
 */
export function formatExecOutputForModel(result: ShellResult, options: FormatOptions = {}): string {
  if (result.aborted) return formatAbortedShellOutput(result.durationMs);
  if (result.spawnError !== undefined) return result.spawnError;
  const policy = options.truncationPolicy ?? DEFAULT_TRUNCATION_POLICY;
  if (options.style === "json") {
    // Written by hand so the float reads as serde_json writes an f32 (`2.0`, not `2`).
    const seconds = wallTimeSeconds(result.durationMs);
    const duration = Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
    const output = JSON.stringify(formatExecOutputStr(result, policy));
    return `{"output":${output},"metadata":{"exit_code":${result.exitCode},"duration_seconds":${duration}}}`;
  }
  const content = contentWithTimeout(result);
  const totalLines = countLines(content);
  const truncated = truncateText(content, policy);
  const sections = [`Exit code: ${result.exitCode}`, `Wall time: ${wallTimeSeconds(result.durationMs)} seconds`];
  if (totalLines !== countLines(truncated)) sections.push(`Total output lines: ${totalLines}`);
  sections.push("Output:", truncated);
  return sections.join("\n");
}

/** exec_command_end.formatted_output: the (possibly truncated) output without the header. */
export function formatExecOutputStr(result: ShellResult, policy: TruncationPolicy = DEFAULT_TRUNCATION_POLICY): string {
  if (result.spawnError !== undefined) return result.spawnError;
  return formattedTruncateText(contentWithTimeout(result), policy);
}

/** What the model reads for a shell call cut short by an interrupt. */
export function formatAbortedShellOutput(durationMs: number): string {
  return `Wall time: ${(durationMs / 1000).toFixed(1)} seconds\naborted by user`;
}

// Codex reports the measured duration, not the configured limit.
function contentWithTimeout(result: ShellResult): string {
  if (!result.timedOut) return result.aggregatedOutput;
  return `command timed out after ${Math.floor(result.durationMs)} milliseconds\n${result.aggregatedOutput}`;
}

// Seconds rounded to one decimal and printed like Rust's f32 Display: `0.1`, `2`, `12.5`.
function wallTimeSeconds(durationMs: number): number {
  return Math.round(durationMs / 100) / 10;
}
