/**
 * Codex's request-time rewrite of shell outputs (`Prompt::get_formatted_input` and
 * `reserialize_shell_outputs` in `core/src/client_common.rs`): when a request offers the freeform
 * `apply_patch` tool, every output of a `shell`, `container.exec`, `local_shell_call` or `apply_patch`
 * call that is the JSON shape `{"output":…,"metadata":{"exit_code":…,"duration_seconds":…}}` goes
 * out as text (`Exit code: 0\nWall time: 0.5 seconds\nOutput:\n…`). The rollout keeps the JSON, so a
 * history folded from a Codex rollout must be rewritten the same way before it is sent, or Loom's
 * request differs from the one Codex would have made. Loom's own tools already write the text form
 * when the freeform tool is offered; for those the rewrite does nothing.
 */
import type { ResponseItem } from "../events/index.js";

/** Whether a request's tool specs include the freeform (custom) `apply_patch` tool. */
export function offersFreeformApplyPatch(tools: readonly unknown[]): boolean {
  return tools.some((tool) => {
    const spec = tool as { type?: unknown; name?: unknown };
    return spec?.type === "custom" && spec.name === "apply_patch";
  });
}

const SHELL_FUNCTION_NAMES = new Set(["shell", "container.exec", "apply_patch"]);

/** The items with shell outputs rewritten as Codex rewrites them; items not rewritten are the same objects. */
export function reserializeShellOutputs(items: readonly ResponseItem[]): ResponseItem[] {
  // One id set for every call family, as in Codex: an output is rewritten once, after its call.
  const shellCalls = new Set<string>();
  return items.map((item) => {
    switch (item.type) {
      case "local_shell_call": {
        const id = item.call_id ?? item.id;
        if (id != null) shellCalls.add(id);
        return item;
      }
      case "custom_tool_call":
        if (item.name === "apply_patch") shellCalls.add(item.call_id);
        return item;
      case "function_call":
        if (SHELL_FUNCTION_NAMES.has(item.name)) shellCalls.add(item.call_id);
        return item;
      case "function_call_output":
      case "custom_tool_call_output": {
        if (!shellCalls.delete(item.call_id) || typeof item.output !== "string") return item;
        const text = structuredShellText(item.output);
        return text === undefined ? item : { ...item, output: text };
      }
      default:
        return item;
    }
  });
}

interface ExecOutputJson {
  output: string;
  exitCode: number;
  durationSeconds: number;
}

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

/** serde's reading of `ExecOutputJson`: an object (or a two-element array) with the fields it needs; extra keys ignored. */
function parseExecOutputJson(raw: string): ExecOutputJson | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const fields = (v: unknown, names: [string, string]): [unknown, unknown] | undefined => {
    if (Array.isArray(v)) return v.length === 2 ? [v[0], v[1]] : undefined;
    if (typeof v !== "object" || v === null) return undefined;
    const record = v as Record<string, unknown>;
    return names.every((name) => name in record) ? [record[names[0]], record[names[1]]] : undefined;
  };
  const outer = fields(value, ["output", "metadata"]);
  if (!outer || typeof outer[0] !== "string") return undefined;
  const metadata = fields(outer[1], ["exit_code", "duration_seconds"]);
  if (!metadata) return undefined;
  const [exitCode, durationSeconds] = metadata;
  if (typeof exitCode !== "number" || !Number.isInteger(exitCode) || exitCode < I32_MIN || exitCode > I32_MAX) return undefined;
  if (typeof durationSeconds !== "number") return undefined;
  return { output: outer[0], exitCode, durationSeconds };
}

/** The text form of a JSON shell output (`build_structured_output`), or undefined when it is not one. */
export function structuredShellText(raw: string): string | undefined {
  const parsed = parseExecOutputJson(raw);
  if (!parsed) return undefined;
  const sections = [`Exit code: ${parsed.exitCode}`, `Wall time: ${formatF32(parsed.durationSeconds)} seconds`];
  let output = parsed.output;
  const header = totalOutputHeader(output);
  if (header) {
    sections.push(`Total output lines: ${header.totalLines}`);
    output = header.rest;
  }
  sections.push("Output:", output);
  return sections.join("\n");
}

/** `strip_total_output_header`: a leading `Total output lines: N` line (N a u32) and one blank line after it. */
function totalOutputHeader(output: string): { totalLines: number; rest: string } | undefined {
  const prefix = "Total output lines: ";
  if (!output.startsWith(prefix)) return undefined;
  const afterPrefix = output.slice(prefix.length);
  const newline = afterPrefix.indexOf("\n");
  if (newline < 0) return undefined;
  const segment = afterPrefix.slice(0, newline);
  // Rust's `u32::from_str`: ASCII digits with an optional leading `+`, within range.
  if (!/^\+?[0-9]+$/.test(segment)) return undefined;
  const totalLines = Number(segment.replace(/^\+/, ""));
  if (totalLines > 0xffffffff) return undefined;
  let rest = afterPrefix.slice(newline + 1);
  if (rest.startsWith("\n")) rest = rest.slice(1);
  return { totalLines, rest };
}

/**
 * A number as Rust's `Display` prints an `f32` (serde reads `duration_seconds` into one): the
 * shortest decimal that reads back as the same f32, never in exponent form (`0`, `0.5`, `0.1`, `2`).
 */
export function formatF32(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "inf" : "-inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(f.toPrecision(precision));
    if (Math.fround(candidate) === f) return plainDecimal(candidate, precision);
  }
  return plainDecimal(f, 17);
}

/** `value` with `digits` significant digits in positional notation, without trailing fraction zeros. */
function plainDecimal(value: number, digits: number): string {
  const sign = value < 0 ? "-" : "";
  const [mantissa, exponentText] = Math.abs(value).toExponential(digits - 1).split("e");
  const exponent = Number(exponentText);
  const all = mantissa!.replace(".", "");
  let text: string;
  if (exponent >= all.length - 1) text = all + "0".repeat(exponent - (all.length - 1));
  else if (exponent >= 0) text = `${all.slice(0, exponent + 1)}.${all.slice(exponent + 1)}`;
  else text = `0.${"0".repeat(-exponent - 1)}${all}`;
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return sign + text;
}
