/** Codex rollouts re-executed by Loom's machines without a model, for tests and CI. */
/** `replayRollout(source, { live?, config?, tools? })` → a report; the first divergence has the rollout's line. */
export { replayRollout, formatRolloutDivergence } from "./replay.js";
export type { RolloutReplayOptions, RolloutReplayReport, RolloutDivergence } from "./replay.js";
/** `readRolloutScript(source)`: the rollout read strictly as turns, samplings and tool outputs. */
export { readRolloutScript, UnreplayableRolloutError } from "./script.js";
/** Telling a Codex rollout file from a Loom fixture by its first line. */
export { looksLikeRollout, firstLineOf } from "./script.js";
export type { RolloutScript, ScriptTurn, ScriptSampling } from "./script.js";
/** The tools `--live` runs again, and how their outputs are compared. */
export { LIVE_TOOLS, comparableOutput } from "./live.js";
