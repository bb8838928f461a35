/** Re-execution replay: the machines run again over a recording; the first difference is reported. */
export { replayEntries, replayThread, formatDivergence, ReplayError } from "./replay.js";
export type { ReplayOptions, ReplayReport, Divergence } from "./replay.js";
export { RecordedThread } from "./recorded.js";
export { diffJson } from "./diff.js";
