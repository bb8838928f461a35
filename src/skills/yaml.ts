/**
 * The YAML parser (about 70 modules) loads at the first SKILL.md or openai.yaml, not with every
 * thread: most threads have no skills. On Node `yaml` is CommonJS, so it can be required in the
 * middle of the loader's synchronous scan.
 */
import { createRequire } from "node:module";

const requireModule = createRequire(import.meta.url);
let yaml: typeof import("yaml") | undefined;

/** `yaml.parse(text)`, loading the parser on first use. */
export function parseYaml(text: string): unknown {
  yaml ??= requireModule("yaml") as typeof import("yaml");
  return yaml.parse(text);
}
