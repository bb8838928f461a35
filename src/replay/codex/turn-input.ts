/**
 * What the user sent, read back from a rollout: the thread's opening settings, each turn's op (its
 * `turn_context` settings and the user's message), and the skills Codex listed. The images a user
 * attached are taken from the history's own copy: a local image is written to a temporary file
 * (the original path is usually on another machine), an image URL is sent as it was.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ContentItem, Op, ResponseItem, SessionMeta, TurnContextItem, UserInputItem } from "../../events/index.js";
import type { SkillSummary } from "../../context/index.js";
import type { StartThreadOptions } from "../../runtime/options.js";
import type { ScriptTurn } from "./script.js";

/** A thread opened as the rollout's first turn ran. */
export function startOptions(meta: SessionMeta | undefined, context: TurnContextItem | undefined, cwd: string): StartThreadOptions {
  return {
    ...(meta?.base_instructions?.text !== undefined ? { baseInstructions: meta.base_instructions.text } : {}),
    ...(meta?.dynamic_tools ? { dynamicTools: meta.dynamic_tools } : {}),
    ...(context ? settingsOf(context) : {}),
    cwd,
  };
}

function settingsOf(context: TurnContextItem) {
  return {
    cwd: context.cwd,
    model: context.model,
    approvalPolicy: context.approval_policy,
    sandboxPolicy: context.sandbox_policy,
    ...(context.effort ? { effort: context.effort } : {}),
    summary: context.summary,
    ...(isPersonality(context.personality) ? { personality: context.personality } : {}),
    ...(context.developer_instructions != null ? { developerInstructions: context.developer_instructions } : {}),
  };
}

function isPersonality(value: unknown): value is "none" | "friendly" | "pragmatic" {
  return value === "none" || value === "friendly" || value === "pragmatic";
}

/** The mode a thread starts in: Codex injects `<collaboration_mode>` only when a turn changes it. */
const DEFAULT_MODE = { mode: "default", settings: { developer_instructions: null } };

function sameMode(a: unknown, b: unknown): boolean {
  const mode = (v: unknown) => v as { mode?: string; settings?: { developer_instructions?: string | null; reasoning_effort?: string | null } } | undefined;
  const [x, y] = [mode(a), mode(b)];
  return (
    (x?.mode ?? "default") === (y?.mode ?? "default") &&
    (x?.settings?.developer_instructions ?? null) === (y?.settings?.developer_instructions ?? null) &&
    (x?.settings?.reasoning_effort ?? null) === (y?.settings?.reasoning_effort ?? null)
  );
}

/**
 * The op that starts a user turn with the settings its `turn_context` recorded (in `cwd`, standing
 * in for the recorded one). `previous` is the turn_context before it: a collaboration mode is sent
 * only when it changed, as a client changes it.
 */
export async function userTurnOp(turn: ScriptTurn, images: ImageFiles, cwd: string, previous: TurnContextItem | undefined): Promise<Op> {
  const context = turn.context?.value;
  const modeChanged = context?.collaboration_mode && !sameMode(context.collaboration_mode, previous?.collaboration_mode ?? DEFAULT_MODE);
  const items = await userItems(turn, images);
  if (!context) return { type: "user_input", items } as Op;
  return {
    type: "user_turn",
    items,
    cwd,
    approval_policy: context.approval_policy,
    sandbox_policy: context.sandbox_policy,
    model: context.model,
    effort: context.effort ?? null,
    summary: context.summary,
    ...(isPersonality(context.personality) ? { personality: context.personality } : {}),
    ...(modeChanged ? { collaboration_mode: context.collaboration_mode } : {}),
    ...(context.developer_instructions != null ? { developer_instructions: context.developer_instructions } : {}),
    ...(context.final_output_json_schema != null ? { final_output_json_schema: context.final_output_json_schema } : {}),
  } as Op;
}

const IMAGE_TAG = /^<image name=\[Image #\d+\]>$/;

/**
 * The user's input items: the images in the order the history has them (a local image is the one
 * wrapped in `<image name=[Image #N]>` tags), then the text as typed.
 */
async function userItems(turn: ScriptTurn, images: ImageFiles): Promise<UserInputItem[]> {
  const message = turn.userMessage!.value;
  const item = turn.userItem?.value;
  const content: ContentItem[] = item?.type === "message" ? item.content : [];
  const localPaths = [...(message.local_images ?? [])];
  const items: UserInputItem[] = [];
  for (let i = 0; i < content.length; i++) {
    const part = content[i]!;
    if (part.type !== "input_image") continue;
    const previous = content[i - 1];
    const local = previous?.type === "input_text" && IMAGE_TAG.test(previous.text);
    if (local) items.push({ type: "local_image", path: await images.write(part.image_url, localPaths.shift()) });
    else items.push({ type: "image", image_url: part.image_url });
  }
  if (message.message !== "" || items.length === 0) {
    items.push({ type: "text", text: message.message, ...(message.text_elements?.length ? { text_elements: message.text_elements } : {}) });
  }
  return items;
}

/** Local images written back to disk from their data URLs, in a temporary folder the replay removes. */
export class ImageFiles {
  dir: string | undefined;
  private count = 0;

  async write(dataUrl: string, originalPath: string | undefined): Promise<string> {
    const match = /^data:[^;,]*(;base64)?,(.*)$/s.exec(dataUrl);
    if (!match) throw new Error(`a local image that is not a data URL: ${dataUrl.slice(0, 40)}…`);
    this.dir ??= await mkdtemp(join(tmpdir(), "loom-replay-images-"));
    this.count += 1;
    const name = `${this.count}-${basename(originalPath ?? "image.png")}`;
    const path = join(this.dir, name);
    await writeFile(path, match[1] ? Buffer.from(match[2]!, "base64") : decodeURIComponent(match[2]!));
    return path;
  }
}

/** The skills Codex listed in the developer message's `<skills_instructions>` (Loom lists the same). */
export function skillsListed(items: readonly ResponseItem[]): SkillSummary[] {
  for (const item of items) {
    if (item.type !== "message" || item.role !== "developer") continue;
    for (const part of item.content) {
      if (part.type !== "input_text" || !part.text.startsWith("<skills_instructions>")) continue;
      // The budget may have cut a description to nothing: `- name: (file: path)`.
      return [...part.text.matchAll(/^- ([^:\n]+): (?:(.*) )?\(file: (.*)\)$/gm)].map((m) => ({ name: m[1]!, description: m[2] ?? "", path: m[3]! }));
    }
  }
  return [];
}

/**
 * The `$TMPDIR` the recorded session had, read from its permissions message: Codex lists the
 * writable roots as the policy's own, the working directory, `/tmp`, then `$TMPDIR`. `null` when the
 * list names no other root; undefined when the rollout has no such list (the host's is used).
 */
export function recordedTmpdir(items: readonly ResponseItem[], context: TurnContextItem): string | null | undefined {
  const policy = context.sandbox_policy as { type: string; writable_roots?: string[] };
  if (policy.type !== "workspace-write") return undefined;
  for (const item of items) {
    if (item.type !== "message" || item.role !== "developer") continue;
    for (const part of item.content) {
      if (part.type !== "input_text" || !part.text.startsWith("<permissions instructions>")) continue;
      const list = /The writable roots are (.*)\.\n/.exec(part.text)?.[1];
      if (list === undefined) continue;
      const roots = [...list.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
      const known = new Set([...(policy.writable_roots ?? []), context.cwd, "/tmp"]);
      return roots.find((root) => !known.has(root)) ?? null;
    }
  }
  return undefined;
}
