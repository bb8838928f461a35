/**
 * A thread's exec policy while it runs (Codex `ExecPolicyManager`): read once when the thread
 * opens, and amended in place when the user approves a prefix for good. The amendment reaches the
 * rules file first, then this thread's copy, so a new thread (which reads the files) and this one
 * agree. Amendments are applied one at a time.
 */
import { appendAllowPrefixRule, defaultPolicyPath } from "./amend.js";
import { loadExecPolicy, type RulesLocations } from "./load.js";
import { isPolicyMatch, Policy } from "./policy.js";

export class ExecPolicyHandle {
  private chain: Promise<unknown> = Promise.resolve();

  /** `dataDir` null: amendments live in memory only (a runtime without a data dir). */
  constructor(
    private policy: Policy,
    private readonly dataDir: string | null,
  ) {}

  /** Reads every rules file of `locations` (throws ExecPolicyParseError / ExecPolicyReadError). */
  static async load(locations: RulesLocations): Promise<ExecPolicyHandle> {
    return new ExecPolicyHandle(await loadExecPolicy(locations), locations.dataDir ?? null);
  }

  static empty(): ExecPolicyHandle {
    return new ExecPolicyHandle(Policy.empty(), null);
  }

  current(): Policy {
    return this.policy;
  }

  /** Appends `prefix_rule(pattern=prefix, decision="allow")` to default.rules and allows it here. */
  remember(prefix: readonly string[]): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.dataDir !== null) await appendAllowPrefixRule(defaultPolicyPath(this.dataDir), prefix);
      // Codex leaves the in-memory policy alone when the prefix is already allowed by a rule.
      const existing = this.policy.checkMultiple([prefix], () => "forbidden", { resolveHostExecutables: true });
      const alreadyAllowed = existing.decision === "allow" && existing.matchedRules.some(isPolicyMatch);
      if (!alreadyAllowed) this.policy = this.policy.withPrefixRule(prefix, "allow");
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
