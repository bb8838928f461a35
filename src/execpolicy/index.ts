/**
 * Codex's exec-policy engine: `.rules` files (a Starlark subset: `prefix_rule`, `network_rule`,
 * `host_executable`), evaluation (the strictest matching decision wins), amendments, and the
 * `execpolicy check` output. Pure except `load` and `amend`, which read and append rules files.
 */

/** `Policy`: prefix rules by program; `matchesFor`, `checkMultiple`, `withPrefixRule`, `allowedPrefixes`. */
export { Policy, strictest, matchDecision, isPolicyMatch } from "./policy.js";
export type { Decision, PrefixRule, NetworkRule, PatternToken, RuleMatch, Evaluation, MatchOptions, Fallback } from "./policy.js";
/** `PolicyParser`: reads rules files one by one (examples validated per file); `ExecPolicyParseError` names file and line. */
export { PolicyParser, ExecPolicyParseError, normalizeNetworkHost } from "./parser.js";
/** `loadExecPolicy(locations)`: every `*.rules` of the system, data-dir and trusted project folders. */
export { loadExecPolicy, loadPolicyFiles, rulesFolders, policyFiles, projectRoot, ExecPolicyReadError, RULES_DIR_NAME, DEFAULT_POLICY_FILE } from "./load.js";
export type { RulesLocations } from "./load.js";
/** `appendAllowPrefixRule(path, prefix)`: remembers an approved prefix in `default.rules`. */
export { appendAllowPrefixRule, allowPrefixRuleLine, defaultPolicyPath, ExecPolicyAmendError } from "./amend.js";
/** `formatMatchesJson(matches)`: `codex execpolicy check`'s JSON. */
export { formatMatchesJson } from "./check.js";
/** `RulesSyntaxError`: a Starlark-level error with line and column (wrapped in ExecPolicyParseError). */
export { RulesSyntaxError } from "./lexer.js";
/** `ExecPolicyHandle`: a thread's policy, loaded once and amended by approved prefixes. */
export { ExecPolicyHandle } from "./handle.js";
