/** Loom's version, written into session metadata (Codex's `cli_version`). */
export const VERSION = "0.1.0";
