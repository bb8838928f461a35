/** A readable difference between two JSON values: the paths that differ, with both sides. */

function show(value: unknown): string {
  const text = value === undefined ? "(absent)" : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

function walk(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (Object.is(a, b)) return;
  const bothObjects = typeof a === "object" && a !== null && typeof b === "object" && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path || "(root)"}: recorded ${show(a)}, now ${show(b)}`);
    return;
  }
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  for (const key of keys) {
    const next = Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], next, out, limit);
  }
}

export function diffJson(recorded: unknown, now: unknown, limit = 8): string[] {
  const out: string[] = [];
  walk(recorded, now, "", out, limit);
  return out;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  return diffJson(a, b, 1).length === 0;
}
