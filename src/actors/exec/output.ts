/**
 * What one exec_command / write_stdin call reads like to the model (Codex
 * `ExecCommandToolOutput::response_text`):
 *
 *     Chunk ID: 3f9a01
 *     Wall time: 0.2510 seconds
 *     Process exited with code 0            (or: Process running with session ID 4242)
 *     Original token count: 2
 *     Output:
 *     done
 *
 * The output is cut to the call's token budget with Codex's middle truncation.
 */
import { randomInt } from "node:crypto";
import { approxTokenCount, formattedTruncateText, type TruncationPolicy } from "../shell/index.js";

/** Codex's `DEFAULT_MAX_OUTPUT_TOKENS`. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;

export interface ExecOutput {
  /** Empty for output that did not come from a process (an intercepted apply_patch). */
  chunkId: string;
  wallTimeMs: number;
  /** The bytes collected for this call, before truncation. */
  raw: Buffer;
  maxOutputTokens: number;
  /** Set while the process keeps running (the id write_stdin takes). */
  sessionId: number | null;
  exitCode: number | null;
  originalTokenCount: number | null;
}

/** Six random hex digits, as Codex's `generate_chunk_id`. */
export function chunkId(): string {
  return Array.from({ length: 6 }, () => randomInt(16).toString(16)).join("");
}

/** The token budget a call gets: its own `max_output_tokens`, never above the model's policy. */
export function effectiveMaxOutputTokens(requested: number | null | undefined, policy: TruncationPolicy): number {
  const budget = policy.mode === "tokens" ? policy.limit : Math.ceil(policy.limit / 4);
  return Math.min(requested ?? DEFAULT_MAX_OUTPUT_TOKENS, budget);
}

export function truncatedOutput(output: Pick<ExecOutput, "raw" | "maxOutputTokens">): string {
  return formattedTruncateText(output.raw.toString("utf8"), { mode: "tokens", limit: output.maxOutputTokens });
}

export function execOutputText(output: ExecOutput): string {
  const sections: string[] = [];
  if (output.chunkId !== "") sections.push(`Chunk ID: ${output.chunkId}`);
  sections.push(`Wall time: ${(output.wallTimeMs / 1000).toFixed(4)} seconds`);
  if (output.exitCode !== null) sections.push(`Process exited with code ${output.exitCode}`);
  if (output.sessionId !== null) sections.push(`Process running with session ID ${output.sessionId}`);
  if (output.originalTokenCount !== null) sections.push(`Original token count: ${output.originalTokenCount}`);
  sections.push("Output:", truncatedOutput(output));
  return sections.join("\n");
}

export { approxTokenCount };
