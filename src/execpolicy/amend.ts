/**
 * Remembering an approved prefix (Codex `blocking_append_allow_prefix_rule`): one
 * `prefix_rule(pattern=[...], decision="allow")` line appended to `<data dir>/rules/default.rules`.
 * The line goes out in one `write` on a file opened with O_APPEND, so two processes appending at
 * once never interleave or lose a line (Linux serialises appends to a file); a line already present
 * is not written again. Codex takes an advisory lock for the duplicate check; Node has none, and a
 * duplicate written by a race is harmless (the same rule twice decides the same).
 */
import { mkdir, open } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DEFAULT_POLICY_FILE, RULES_DIR_NAME } from "./load.js";

export class ExecPolicyAmendError extends Error {
  override readonly name = "ExecPolicyAmendError";
}

/** `<data dir>/rules/default.rules`. */
export function defaultPolicyPath(dataDir: string): string {
  return join(dataDir, RULES_DIR_NAME, DEFAULT_POLICY_FILE);
}

/** The rule line for an allowed prefix, spelled as Codex writes it (JSON-quoted tokens). */
export function allowPrefixRuleLine(prefix: readonly string[]): string {
  if (prefix.length === 0) throw new ExecPolicyAmendError("prefix rule requires at least one token");
  return `prefix_rule(pattern=[${prefix.map((t) => JSON.stringify(t)).join(", ")}], decision="allow")`;
}

export async function appendAllowPrefixRule(policyPath: string, prefix: readonly string[]): Promise<void> {
  const line = allowPrefixRuleLine(prefix);
  try {
    await mkdir(dirname(policyPath), { recursive: true });
  } catch (error) {
    throw new ExecPolicyAmendError(`failed to create policy directory ${dirname(policyPath)}: ${(error as Error).message}`, { cause: error });
  }
  let file;
  try {
    file = await open(policyPath, "a+");
  } catch (error) {
    throw new ExecPolicyAmendError(`failed to open policy file ${policyPath}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const contents = await file.readFile("utf8");
    if (contents.split("\n").some((existing) => existing === line)) return;
    const text = `${contents !== "" && !contents.endsWith("\n") ? "\n" : ""}${line}\n`;
    const bytes = Buffer.from(text, "utf8");
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await file.write(bytes, written, bytes.length - written, null);
      written += bytesWritten;
    }
  } catch (error) {
    throw new ExecPolicyAmendError(`failed to write to policy file ${policyPath}: ${(error as Error).message}`, { cause: error });
  } finally {
    await file.close();
  }
}
