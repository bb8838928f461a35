/**
 * An exec policy: prefix rules keyed by program, network rules and host executable paths (Codex
 * `codex-execpolicy` `Policy`). Matching is pure: every rule whose prefix matches contributes a
 * match, and the strictest decision of all matches wins (`forbidden` > `prompt` > `allow`).
 */
import { basename, isAbsolute, normalize } from "node:path";

export type Decision = "allow" | "prompt" | "forbidden";

const SEVERITY: Record<Decision, number> = { allow: 0, prompt: 1, forbidden: 2 };

/** The strictest of some decisions (Codex orders `Decision` Allow < Prompt < Forbidden). */
export function strictest(decisions: Iterable<Decision>): Decision | undefined {
  let worst: Decision | undefined;
  for (const d of decisions) if (worst === undefined || SEVERITY[d] > SEVERITY[worst]) worst = d;
  return worst;
}

/** One token of a pattern: a word, or one of several alternatives (`["a", ["b", "c"]]`). */
export type PatternToken = string | readonly string[];

export interface PrefixRule {
  /** The first token is always a single word: an alternative there becomes one rule per word. */
  program: string;
  rest: readonly PatternToken[];
  decision: Decision;
  justification?: string;
}

export interface NetworkRule {
  host: string;
  protocol: "http" | "https" | "socks5_tcp" | "socks5_udp";
  decision: Decision;
  justification?: string;
}

/** A match as Codex serializes it (`codex execpolicy check`'s `matchedRules` entries). */
export type RuleMatch =
  | {
      prefixRuleMatch: {
        matchedPrefix: string[];
        decision: Decision;
        resolvedProgram?: string;
        justification?: string;
      };
    }
  | { heuristicsRuleMatch: { command: string[]; decision: Decision } };

export function matchDecision(match: RuleMatch): Decision {
  return "prefixRuleMatch" in match ? match.prefixRuleMatch.decision : match.heuristicsRuleMatch.decision;
}

export function isPolicyMatch(match: RuleMatch): match is Extract<RuleMatch, { prefixRuleMatch: unknown }> {
  return "prefixRuleMatch" in match;
}

export interface Evaluation {
  decision: Decision;
  matchedRules: RuleMatch[];
}

export interface MatchOptions {
  /** `/usr/bin/git` may match rules for `git` (gated by `host_executable`); core always does. */
  resolveHostExecutables?: boolean;
}

/** What decides a command no rule matches (Codex's heuristics fallback). */
export type Fallback = (command: readonly string[]) => Decision;

export class Policy {
  private constructor(
    private readonly rulesByProgram: ReadonlyMap<string, readonly PrefixRule[]>,
    readonly networkRules: readonly NetworkRule[],
    private readonly hostExecutables: ReadonlyMap<string, readonly string[]>,
  ) {}

  static empty(): Policy {
    return new Policy(new Map(), [], new Map());
  }

  static of(rules: readonly PrefixRule[], networkRules: readonly NetworkRule[] = [], hostExecutables: ReadonlyMap<string, readonly string[]> = new Map()): Policy {
    const byProgram = new Map<string, PrefixRule[]>();
    for (const rule of rules) byProgram.set(rule.program, [...(byProgram.get(rule.program) ?? []), rule]);
    return new Policy(byProgram, networkRules, hostExecutables);
  }

  /** Every prefix rule, in load order per program. */
  rules(): PrefixRule[] {
    return [...this.rulesByProgram.values()].flat();
  }

  /** A copy with one more `allow` rule for exactly `prefix` (Codex `add_prefix_rule`). */
  withPrefixRule(prefix: readonly string[], decision: Decision = "allow"): Policy {
    if (prefix.length === 0) throw new Error("prefix cannot be empty");
    const rule: PrefixRule = { program: prefix[0], rest: prefix.slice(1), decision };
    return Policy.of([...this.rules(), rule], this.networkRules, this.hostExecutables);
  }

  /** This policy's rules followed by `overlay`'s (Codex `merge_overlay`). */
  merge(overlay: Policy): Policy {
    const hosts = new Map([...this.hostExecutables, ...overlay.hostExecutables]);
    return Policy.of([...this.rules(), ...overlay.rules()], [...this.networkRules, ...overlay.networkRules], hosts);
  }

  /** The allow rules' prefixes, sorted and without duplicates, alternatives as `[a|b]`. */
  allowedPrefixes(): string[][] {
    const seen = new Map<string, string[]>();
    for (const rule of this.rules()) {
      if (rule.decision !== "allow") continue;
      const prefix = [rule.program, ...rule.rest.map((t) => (typeof t === "string" ? t : `[${t.join("|")}]`))];
      seen.set(JSON.stringify(prefix), prefix);
    }
    return [...seen.values()].sort(compareWords);
  }

  /**
   * The rules matching `command`: exact program first, then (when asked) a `/abs/path/prog`'s
   * basename rules; with a fallback, an unmatched command gets one heuristics match.
   */
  matchesFor(command: readonly string[], fallback?: Fallback, options: MatchOptions = {}): RuleMatch[] {
    let matches = this.matchExact(command);
    if (matches.length === 0 && options.resolveHostExecutables) matches = this.matchHostExecutable(command);
    if (matches.length === 0 && fallback) {
      return [{ heuristicsRuleMatch: { command: [...command], decision: fallback(command) } }];
    }
    return matches;
  }

  /** Every command's matches together, and the strictest decision (Codex `check_multiple`). */
  checkMultiple(commands: readonly (readonly string[])[], fallback: Fallback, options: MatchOptions = {}): Evaluation {
    const matchedRules = commands.flatMap((command) => this.matchesFor(command, fallback, options));
    return { decision: strictest(matchedRules.map(matchDecision)) ?? "allow", matchedRules };
  }

  private matchExact(command: readonly string[]): RuleMatch[] {
    if (command.length === 0) return [];
    return (this.rulesByProgram.get(command[0]) ?? []).flatMap((rule) => matchRule(rule, command));
  }

  private matchHostExecutable(command: readonly string[]): RuleMatch[] {
    const program = command[0];
    if (program === undefined || !isAbsolute(program)) return [];
    const name = basename(program);
    const rules = this.rulesByProgram.get(name);
    if (!rules || name === "" ) return [];
    const allowedPaths = this.hostExecutables.get(name);
    if (allowedPaths && !allowedPaths.some((p) => normalize(p) === normalize(program))) return [];
    const renamed = [name, ...command.slice(1)];
    return rules.flatMap((rule) =>
      matchRule(rule, renamed).map((m) =>
        "prefixRuleMatch" in m ? { prefixRuleMatch: { ...m.prefixRuleMatch, resolvedProgram: program } } : m,
      ),
    );
  }
}

function matchRule(rule: PrefixRule, command: readonly string[]): RuleMatch[] {
  const length = rule.rest.length + 1;
  if (command.length < length || command[0] !== rule.program) return [];
  for (let i = 0; i < rule.rest.length; i += 1) {
    const token = rule.rest[i];
    const word = command[i + 1];
    if (typeof token === "string" ? token !== word : !token.includes(word)) return [];
  }
  const matchedPrefix = command.slice(0, length);
  return [
    {
      prefixRuleMatch: {
        matchedPrefix,
        decision: rule.decision,
        ...(rule.justification !== undefined ? { justification: rule.justification } : {}),
      },
    },
  ];
}

// Rust's Vec<String> ordering: word by word, then the shorter first.
function compareWords(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}
