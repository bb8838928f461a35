/** Configuration: config.toml plus `-c` overrides, with Codex's key names. */
export * from "./config.js";
