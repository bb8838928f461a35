/**
 * The names the model calls MCP tools by, built as Codex 0.125 builds them
 * (codex-rs/codex-mcp/src/mcp_tool_names.rs `qualify_tools`): `mcp__<server>__<tool>`, each part
 * sanitized to `[a-zA-Z0-9_]`, colliding parts disambiguated with a sha1 suffix, and every name
 * unique and at most 64 characters. The raw server and tool names are kept for the protocol call.
 */
import { createHash } from "node:crypto";

const DELIMITER = "__";
const MAX_TOOL_NAME_LENGTH = 64;
const HASH_LENGTH = 12;

export interface RawToolName {
  server: string;
  /** The tool's name as the server lists it. */
  tool: string;
}

export interface QualifiedToolName extends RawToolName {
  /** What the model sees and calls. */
  qualifiedName: string;
}

/** Codex's `sanitize_responses_api_tool_name`: anything but ASCII letters, digits and `_` becomes `_`. */
export function sanitizeToolName(name: string): string {
  let out = "";
  for (const char of name) out += /^[A-Za-z0-9_]$/.test(char) ? char : "_";
  return out === "" ? "_" : out;
}

/** `mcp__<server>__`, the prefix (Codex's callable namespace) of every tool of `server`. */
export function mcpToolPrefix(server: string): string {
  return `mcp${DELIMITER}${server}${DELIMITER}`;
}

function hashSuffix(rawIdentity: string): string {
  return `_${createHash("sha1").update(rawIdentity).digest("hex").slice(0, HASH_LENGTH)}`;
}

function namespaceWithHash(namespace: string, rawIdentity: string): string {
  return namespace.endsWith(DELIMITER)
    ? `${namespace.slice(0, -DELIMITER.length)}${hashSuffix(rawIdentity)}${DELIMITER}`
    : `${namespace}${hashSuffix(rawIdentity)}`;
}

function fitWithHash(namespace: string, tool: string, hashInput: string): [string, string] {
  const suffix = hashSuffix(hashInput);
  const maxToolLength = Math.max(0, MAX_TOOL_NAME_LENGTH - namespace.length);
  if (maxToolLength >= suffix.length) return [namespace, `${tool.slice(0, maxToolLength - suffix.length)}${suffix}`];
  return [namespace.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length), suffix];
}

interface Candidate {
  raw: RawToolName;
  namespaceIdentity: string;
  toolIdentity: string;
  namespace: string;
  name: string;
}

/** Qualified names for `tools`, in Codex's order (by raw identity); exact duplicates are dropped. */
export function qualifyToolNames(tools: readonly RawToolName[]): QualifiedToolName[] {
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const raw of tools) {
    const namespace = mcpToolPrefix(raw.server);
    // Codex's identity also carries a connector id (apps only): always empty here.
    const namespaceIdentity = `${raw.server}\0${namespace}\0`;
    const toolIdentity = `${namespaceIdentity}\0${raw.tool}\0${raw.tool}`;
    if (seen.has(toolIdentity)) continue;
    seen.add(toolIdentity);
    candidates.push({ raw, namespaceIdentity, toolIdentity, namespace: sanitizeToolName(namespace), name: sanitizeToolName(raw.tool) });
  }

  // Two servers whose names sanitize alike get hashed namespaces; then the same for tools.
  disambiguate(candidates, (c) => c.namespace, (c) => c.namespaceIdentity, (c) => {
    c.namespace = namespaceWithHash(c.namespace, c.namespaceIdentity);
  });
  disambiguate(candidates, (c) => `${c.namespace}\0${c.name}`, (c) => c.toolIdentity, (c) => {
    c.name = `${c.name}${hashSuffix(c.toolIdentity)}`;
  });

  candidates.sort((a, b) => (a.toolIdentity < b.toolIdentity ? -1 : a.toolIdentity > b.toolIdentity ? 1 : 0));
  const used = new Set<string>();
  return candidates.map((c) => ({ ...c.raw, qualifiedName: uniqueName(c, used) }));
}

function disambiguate(
  candidates: Candidate[],
  key: (c: Candidate) => string,
  identity: (c: Candidate) => string,
  rename: (c: Candidate) => void,
): void {
  const identities = new Map<string, Set<string>>();
  for (const c of candidates) {
    const set = identities.get(key(c)) ?? new Set<string>();
    set.add(identity(c));
    identities.set(key(c), set);
  }
  const colliding = candidates.filter((c) => identities.get(key(c))!.size > 1);
  for (const c of colliding) rename(c);
}

function uniqueName(c: Candidate, used: Set<string>): string {
  const plain = `${c.namespace}${c.name}`;
  if (plain.length <= MAX_TOOL_NAME_LENGTH && !used.has(plain)) {
    used.add(plain);
    return plain;
  }
  for (let attempt = 0; ; attempt += 1) {
    const hashInput = attempt === 0 ? c.toolIdentity : `${c.toolIdentity}\0${attempt}`;
    const [namespace, name] = fitWithHash(c.namespace, c.name, hashInput);
    const qualified = `${namespace}${name}`;
    if (!used.has(qualified)) {
      used.add(qualified);
      return qualified;
    }
  }
}
