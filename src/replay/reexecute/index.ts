/** Re-execution replay: the machines run again over a recording; the first difference is reported. */
export { replayEntries, replayThread, formatDivergence, ReplayError } from "./replay.js";
export type { ReplayOptions, ReplayReport, Divergence } from "./replay.js";
export { RecordedThread } from "./recorded.js";
/** A thread and its sub-agents, each against its own recording. */
export { replayTree, childThreads } from "./tree.js";
export type { TreeReplayReport } from "./tree.js";
export { diffJson } from "./diff.js";
