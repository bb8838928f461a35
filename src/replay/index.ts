/** Replay of recorded threads, and Codex rollout import and export. */
export * from "./rollout/index.js";
export * from "./codex/index.js";
