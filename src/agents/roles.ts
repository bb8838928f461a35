/**
 * The agent roles a spawned agent may take (`agent_type`), as Codex 0.125 builds them in: a role is
 * a label with a description for the parent model; none of the built-in ones changes the child's
 * configuration (Codex's `explorer.toml` is empty and `worker` has no file).
 */

export interface AgentRole {
  name: string;
  description: string;
}

export const DEFAULT_ROLE = "default";

export const BUILTIN_ROLES: readonly AgentRole[] = [
  { name: DEFAULT_ROLE, description: "Default agent." },
  {
    name: "explorer",
    description: `Use \`explorer\` for specific codebase questions.
Explorers are fast and authoritative.
They must be used to ask specific, well-scoped questions on the codebase.
Rules:
- In order to avoid redundant work, you should avoid exploring the same problem that explorers have already covered. Typically, you should trust the explorer results without additional verification. You are still allowed to inspect the code yourself to gain the needed context!
- You are encouraged to spawn up multiple explorers in parallel when you have multiple distinct questions to ask about the codebase that can be answered independently. This allows you to get more information faster without waiting for one question to finish before asking the next. While waiting for the explorer results, you can continue working on other local tasks that do not depend on those results. This parallelism is a key advantage of delegation, so use it whenever you have multiple questions to ask.
- Reuse existing explorers for related questions.`,
  },
  {
    name: "worker",
    description: `Use for execution and production work.
Typical tasks:
- Implement part of a feature
- Fix tests or bugs
- Split large refactors into independent chunks
Rules:
- Explicitly assign **ownership** of the task (files / responsibility). When the subtask involves code changes, you should clearly specify which files or modules the worker is responsible for. This helps avoid merge conflicts and ensures accountability. For example, you can say "Worker 1 is responsible for updating the authentication module, while Worker 2 will handle the database layer." By defining clear ownership, you can delegate more effectively and reduce coordination overhead.
- Always tell workers they are **not alone in the codebase**, and they should not revert the edits made by others, and they should adjust their implementation to accommodate the changes made by others. This is important because there may be multiple workers making changes in parallel, and they need to be aware of each other's work to avoid conflicts and ensure a cohesive final product.`,
  },
];

/** The `agent_type` parameter's description: every role with its description (Codex's format). */
export function agentTypeDescription(roles: readonly AgentRole[] = BUILTIN_ROLES): string {
  const listed = roles.map((role) => `${role.name}: {\n${role.description}\n}`).join("\n");
  return `Optional type name for the new agent. If omitted, \`${DEFAULT_ROLE}\` is used.\nAvailable roles:\n${listed}`;
}

/** The role named by a trimmed `agent_type`, or why it is refused (Codex's message). */
export function resolveRole(name: string | undefined): { role: string | null } | { error: string } {
  const trimmed = name?.trim();
  if (!trimmed) return { role: null };
  if (!BUILTIN_ROLES.some((role) => role.name === trimmed)) return { error: `unknown agent_type '${trimmed}'` };
  return { role: trimmed };
}
