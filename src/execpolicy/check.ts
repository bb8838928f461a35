/**
 * `codex execpolicy check`'s output: `{"matchedRules":[...],"decision":...}`, the decision left out
 * when nothing matched, each prefix match's keys in Codex's order.
 */
import { matchDecision, strictest, type RuleMatch } from "./policy.js";

export function formatMatchesJson(matches: readonly RuleMatch[], pretty = false): string {
  const matchedRules = matches.map((m) =>
    "prefixRuleMatch" in m
      ? {
          prefixRuleMatch: {
            matchedPrefix: m.prefixRuleMatch.matchedPrefix,
            decision: m.prefixRuleMatch.decision,
            ...(m.prefixRuleMatch.resolvedProgram !== undefined ? { resolvedProgram: m.prefixRuleMatch.resolvedProgram } : {}),
            ...(m.prefixRuleMatch.justification !== undefined ? { justification: m.prefixRuleMatch.justification } : {}),
          },
        }
      : m,
  );
  const decision = strictest(matches.map(matchDecision));
  const output = { matchedRules, ...(decision !== undefined ? { decision } : {}) };
  return pretty ? JSON.stringify(output, null, 2) : JSON.stringify(output);
}
