/**
 * Did a confined command fail because of the sandbox? (Codex `exec.rs::is_likely_sandbox_denied`.)
 * There is no certain answer, so, like Codex, look at the exit code and for the words a denied
 * write or syscall prints. Loom adds the words a cut network prints when the command could not
 * reach the network because the sandbox took it away (curl, git, Node and name lookups say it
 * without "not permitted").
 */

/** Codex's keywords, matched case-insensitively in stdout, stderr and the aggregate. */
const SANDBOX_DENIED_KEYWORDS = [
  "operation not permitted",
  "permission denied",
  "read-only file system",
  "seccomp",
  "sandbox",
  "landlock",
  "failed to write file",
];

/** What clients print when socket calls fail with EPERM or no name server answers. */
const NETWORK_DENIED_KEYWORDS = [
  "eperm",
  "could not resolve host",
  "couldn't resolve host",
  "couldn't connect to server",
  "failed to connect to",
  "temporary failure in name resolution",
  "name or service not known",
  "network is unreachable",
  "getaddrinfo",
];

/** Shell misuse, "cannot execute", "not found": failures the sandbox does not cause. */
const QUICK_REJECT_EXIT_CODES = [2, 126, 127];
const SIGSYS_EXIT_CODE = 128 + 31;

export interface DenialInput {
  /** The attempt ran under the platform sandbox; nothing unconfined is ever "denied". */
  sandboxed: boolean;
  /** The sandbox had cut the network for this attempt. */
  networkRestricted: boolean;
  exitCode: number;
  stdout: string;
  stderr: string;
  aggregatedOutput: string;
}

export function isLikelySandboxDenied(output: DenialInput): boolean {
  if (!output.sandboxed || output.exitCode === 0) return false;
  const sections = [output.stderr, output.stdout, output.aggregatedOutput].map((text) => text.toLowerCase());
  const mentions = (words: readonly string[]) => sections.some((text) => words.some((word) => text.includes(word)));
  if (mentions(SANDBOX_DENIED_KEYWORDS)) return true;
  if (output.networkRestricted && mentions(NETWORK_DENIED_KEYWORDS)) return true;
  if (QUICK_REJECT_EXIT_CODES.includes(output.exitCode)) return false;
  return output.exitCode === SIGSYS_EXIT_CODE;
}
