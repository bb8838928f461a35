/**
 * Reads `.rules` files into a Policy (Codex `PolicyParser`): `prefix_rule`, `network_rule` and
 * `host_executable` calls, with the type checks and messages of Codex's builtins. A rule's `match`
 * and `not_match` examples are checked when its file has been read, against that rule alone (and
 * every `host_executable` known so far), as Codex validates them: a file whose examples disagree
 * with its rules does not load.
 */
import { isAbsolute, basename } from "node:path";
import { RulesSyntaxError } from "./lexer.js";
import { Policy, type Decision, type NetworkRule, type PatternToken, type PrefixRule } from "./policy.js";
import { evaluate, typeName, type CallSite, type StarValue } from "./starlark.js";
import { shlexJoin, shlexSplit } from "../safety/shlex.js";

/** A rules file that could not be read or evaluated: its path, line, column and what was wrong. */
export class ExecPolicyParseError extends Error {
  override readonly name = "ExecPolicyParseError";
  constructor(
    readonly path: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    // Codex's `format_exec_policy_error_with_source` rendering, on one line.
    super(`${path}:${line}: ${detail} (problem is on or around line ${line})`, options);
  }
}

class RuleError extends Error {}

const BUILTINS = ["prefix_rule", "network_rule", "host_executable"] as const;

interface PendingExamples {
  rules: PrefixRule[];
  matches: string[][];
  notMatches: string[][];
  site: CallSite;
}

export class PolicyParser {
  private readonly rules: PrefixRule[] = [];
  private readonly networkRules: NetworkRule[] = [];
  private readonly hostExecutables = new Map<string, string[]>();

  /** Adds one file's rules; on any error nothing of that file is kept. */
  parse(path: string, text: string): void {
    const rules: PrefixRule[] = [];
    const networkRules: NetworkRule[] = [];
    const hosts = new Map(this.hostExecutables);
    const pending: PendingExamples[] = [];
    try {
      evaluate(text, BUILTINS, (name, positional, named, site) => {
        try {
          const args = bind(name, positional, named);
          if (name === "prefix_rule") {
            const parsed = prefixRule(args);
            rules.push(...parsed.rules);
            pending.push({ ...parsed, site });
          } else if (name === "network_rule") {
            networkRules.push(networkRule(args));
          } else {
            const [program, paths] = hostExecutable(args);
            hosts.set(program, paths);
          }
        } catch (error) {
          if (error instanceof RuleError) throw new RulesSyntaxError(error.message, site.line, site.column);
          throw error;
        }
      });
      for (const check of pending) {
        try {
          validateExamples(check, hosts);
        } catch (error) {
          if (error instanceof RuleError) throw new RulesSyntaxError(error.message, check.site.line, check.site.column);
          throw error;
        }
      }
    } catch (error) {
      if (error instanceof RulesSyntaxError) throw new ExecPolicyParseError(path, error.line, error.column, error.message, { cause: error });
      throw error;
    }
    this.rules.push(...rules);
    this.networkRules.push(...networkRules);
    for (const [program, paths] of hosts) this.hostExecutables.set(program, paths);
  }

  build(): Policy {
    return Policy.of(this.rules, this.networkRules, new Map(this.hostExecutables));
  }
}

type Args = Map<string, StarValue>;

const SIGNATURES: Record<(typeof BUILTINS)[number], { params: string[]; required: string[] }> = {
  prefix_rule: { params: ["pattern", "decision", "match", "not_match", "justification"], required: ["pattern"] },
  network_rule: { params: ["host", "protocol", "decision", "justification"], required: ["host", "protocol", "decision"] },
  host_executable: { params: ["name", "paths"], required: ["name", "paths"] },
};

function bind(name: string, positional: StarValue[], named: Array<[string, StarValue]>): Args {
  const { params, required } = SIGNATURES[name as (typeof BUILTINS)[number]];
  if (positional.length > params.length) throw new RuleError(`${name}() takes at most ${params.length} positional arguments, got ${positional.length}`);
  const args: Args = new Map(positional.map((value, i) => [params[i], value]));
  for (const [key, value] of named) {
    if (!params.includes(key)) throw new RuleError(`Found \`${key}\` extra named parameter(s) for call to ${name}`);
    if (args.has(key)) throw new RuleError(`${name}() got multiple values for argument \`${key}\``);
    args.set(key, value);
  }
  for (const key of required) if (!args.has(key)) throw new RuleError(`${name}() missing required argument \`${key}\``);
  return args;
}

function str(args: Args, key: string, fn: string): string | undefined {
  const value = args.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new RuleError(`${fn}() argument \`${key}\` must be a string, got ${typeName(value)}`);
  return value;
}

function list(args: Args, key: string, fn: string): StarValue[] | undefined {
  const value = args.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || value.type !== "list") {
    throw new RuleError(`${fn}() argument \`${key}\` must be a list, got ${typeName(value)}`);
  }
  return value.items;
}

function decisionOf(raw: string): Decision {
  if (raw === "allow" || raw === "prompt" || raw === "forbidden") return raw;
  throw new RuleError(`invalid decision: ${raw}`);
}

function justificationOf(args: Args, fn: string): string | undefined {
  const raw = str(args, "justification", fn);
  if (raw !== undefined && raw.trim() === "") throw new RuleError("invalid rule: justification cannot be empty");
  return raw;
}

function prefixRule(args: Args): { rules: PrefixRule[]; matches: string[][]; notMatches: string[][] } {
  const rawDecision = str(args, "decision", "prefix_rule");
  const decision = rawDecision === undefined ? "allow" : decisionOf(rawDecision);
  const justification = justificationOf(args, "prefix_rule");
  const pattern = list(args, "pattern", "prefix_rule")!.map(patternToken);
  if (pattern.length === 0) throw new RuleError("invalid pattern element: pattern cannot be empty");
  const matches = (list(args, "match", "prefix_rule") ?? []).map(example);
  const notMatches = (list(args, "not_match", "prefix_rule") ?? []).map(example);
  const [first, ...rest] = pattern;
  const heads = typeof first === "string" ? [first] : first;
  const rules = heads.map((program) => ({ program, rest, decision, ...(justification !== undefined ? { justification } : {}) }));
  return { rules, matches, notMatches };
}

function patternToken(value: StarValue): PatternToken {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && value.type === "list") {
    const alternatives = value.items.map((item) => {
      if (typeof item !== "string") throw new RuleError(`invalid pattern element: pattern alternative must be a string (got ${typeName(item)})`);
      return item;
    });
    if (alternatives.length === 0) throw new RuleError("invalid pattern element: pattern alternatives cannot be empty");
    return alternatives.length === 1 ? alternatives[0] : alternatives;
  }
  throw new RuleError(`invalid pattern element: pattern element must be a string or list of strings (got ${typeName(value)})`);
}

function example(value: StarValue): string[] {
  if (typeof value === "string") {
    const words = shlexSplit(value);
    if (words === null) throw new RuleError("invalid example: example string has invalid shell syntax");
    if (words.length === 0) throw new RuleError("invalid example: example cannot be an empty string");
    return words;
  }
  if (typeof value === "object" && value !== null && value.type === "list") {
    const words = value.items.map((item) => {
      if (typeof item !== "string") throw new RuleError(`invalid example: example tokens must be strings (got ${typeName(item)})`);
      return item;
    });
    if (words.length === 0) throw new RuleError("invalid example: example cannot be an empty list");
    return words;
  }
  throw new RuleError(`invalid example: example must be a string or list of strings (got ${typeName(value)})`);
}

const PROTOCOLS: Record<string, NetworkRule["protocol"]> = {
  http: "http", https: "https", https_connect: "https", "http-connect": "https", socks5_tcp: "socks5_tcp", socks5_udp: "socks5_udp",
};

function networkRule(args: Args): NetworkRule {
  const rawProtocol = str(args, "protocol", "network_rule")!;
  const protocol = PROTOCOLS[rawProtocol];
  if (!protocol) throw new RuleError(`invalid rule: network_rule protocol must be one of http, https, socks5_tcp, socks5_udp (got ${rawProtocol})`);
  const rawDecision = str(args, "decision", "network_rule")!;
  const decision = rawDecision === "deny" ? "forbidden" : decisionOf(rawDecision);
  const justification = justificationOf(args, "network_rule");
  const host = normalizeNetworkHost(str(args, "host", "network_rule")!);
  return { host, protocol, decision, ...(justification !== undefined ? { justification } : {}) };
}

/** Codex `normalize_network_rule_host`: a bare host or IP (an optional port dropped), lower case. */
export function normalizeNetworkHost(raw: string): string {
  let host = raw.trim();
  if (host === "") throw new RuleError("invalid rule: network_rule host cannot be empty");
  if (/:\/\/|[/?#]/.test(host)) throw new RuleError("invalid rule: network_rule host must be a hostname or IP literal (without scheme or path)");
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close < 0) throw new RuleError("invalid rule: network_rule host has an invalid bracketed IPv6 literal");
    const rest = host.slice(close + 1);
    if (rest !== "" && !/^:\d+$/.test(rest)) throw new RuleError(`invalid rule: network_rule host contains an unsupported suffix: ${raw}`);
    host = host.slice(1, close);
  } else if ((host.match(/:/g) ?? []).length === 1 && /^[^:]+:\d+$/.test(host)) {
    host = host.slice(0, host.indexOf(":"));
  }
  const normalized = host.replace(/\.+$/, "").trim().toLowerCase();
  if (normalized === "") throw new RuleError("invalid rule: network_rule host cannot be empty");
  if (normalized.includes("*")) throw new RuleError("invalid rule: network_rule host must be a specific host; wildcards are not allowed");
  return normalized;
}

function hostExecutable(args: Args): [string, string[]] {
  const name = str(args, "name", "host_executable")!;
  if (name === "") throw new RuleError("invalid rule: host_executable name cannot be empty");
  if (name.includes("/") || name === "." || name === "..") throw new RuleError(`invalid rule: host_executable name must be a bare executable name (got ${name})`);
  const paths: string[] = [];
  for (const value of list(args, "paths", "host_executable")!) {
    if (typeof value !== "string") throw new RuleError(`invalid rule: host_executable paths must be strings (got ${typeName(value)})`);
    if (!isAbsolute(value)) throw new RuleError(`invalid rule: host_executable paths must be absolute (got ${value})`);
    if (basename(value) !== name) throw new RuleError(`invalid rule: host_executable path \`${value}\` must have basename \`${name}\``);
    if (!paths.includes(value)) paths.push(value);
  }
  return [name, paths];
}

// Codex checks not_match first, then match, each against a policy of just this call's rules.
function validateExamples(check: PendingExamples, hosts: ReadonlyMap<string, string[]>): void {
  const policy = Policy.of(check.rules, [], hosts);
  const options = { resolveHostExecutables: true };
  for (const ex of check.notMatches) {
    const [hit] = policy.matchesFor(ex, undefined, options);
    if (hit) throw new RuleError(`expected example to not match rule \`${renderRules(check.rules)}\`: ${render(ex)}`);
  }
  const unmatched = check.matches.filter((ex) => policy.matchesFor(ex, undefined, options).length === 0);
  if (unmatched.length > 0) {
    throw new RuleError(
      `expected every example to match at least one rule. rules: [${renderRules(check.rules)}]; unmatched examples: ${JSON.stringify(unmatched.map(render))}`,
    );
  }
}

function renderRules(rules: readonly PrefixRule[]): string {
  return rules
    .map((r) => `prefix_rule(pattern=${JSON.stringify([r.program, ...r.rest])}, decision="${r.decision}")`)
    .join(", ");
}

function render(words: readonly string[]): string {
  try {
    return shlexJoin(words);
  } catch {
    return "unable to render example";
  }
}
