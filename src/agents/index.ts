/** Sub-agents: every agent a thread spawns is a thread of its own, linked to its parent's turn and call. */
/** The agent control: spawn, message, wait for, close and resume sub-agents; limits; notifications. */
export { AgentControl, AgentToolError, DEFAULT_MAX_DEPTH, DEFAULT_MAX_THREADS, notificationText } from "./control.js";
export type { AgentLimits, SpawnRequest } from "./control.js";
/** The ports the runtime implements for the control. */
export type { AgentHost, AgentThread, ChildSettings, RelayedEvent, SpawnThreadRequest } from "./host.js";
/** The five tool handlers (spawn_agent, send_input, resume_agent, wait_agent, close_agent). */
export { agentToolHandlers } from "./tools.js";
export type { AgentToolDeps } from "./tools.js";
/** Codex's tool specs, byte for byte. */
export { SPAWN_AGENT_SPEC, SEND_INPUT_SPEC, RESUME_AGENT_SPEC, WAIT_AGENT_SPEC, CLOSE_AGENT_SPEC, WAIT_TIMEOUT } from "./specs.js";
/** An agent's status as a fold of its thread's log. */
export { AgentStatus, CUT_SHORT, INITIAL_STATUS, foldStatus, statusOf, isFinal } from "./status.js";
export type { StatusEntry, StatusFold } from "./status.js";
/** The spawn link a child's `session_meta` carries. */
export { spawnLinkOf, depthOf, sessionMetaFields, ThreadSpawnSource, SpawnedBy } from "./source.js";
export type { SpawnLink } from "./source.js";
/** The history a forked child starts from. */
export { forkedHistory } from "./fork.js";
/** The built-in agent roles. */
export { BUILTIN_ROLES, resolveRole } from "./roles.js";
/** The `[agents]` limits from configuration. */
export { agentLimitsFrom } from "./config.js";
/** The threads of a log as a tree of parents and the agents they spawned. */
export { threadTree } from "./tree.js";
export type { ThreadNode } from "./tree.js";
