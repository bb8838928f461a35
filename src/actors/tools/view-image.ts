/**
 * `view_image` (Codex `tools/handlers/view_image.rs`): the model names a local image and gets it
 * back as an image in the tool output (`input_image`, detail "high", or "original" when it asks and
 * the model supports it). Refusals are Codex's texts: no image input, a bad `detail`, a path that
 * is missing, not a file, unreadable or not an image.
 */
import { stat } from "node:fs/promises";
import { z } from "zod";
import { DEFAULT_IMAGE_DETAIL, ImageProcessingError, ioErrorText, promptImage, readImageFile } from "../image/index.js";
import { parseArgs } from "../exec/index.js";
import { resolveWorkdir } from "../shell/index.js";
import type { ToolsConfig } from "./config.js";
import type { ToolHandler } from "./registry.js";
import { outputFor } from "./registry.js";

const DESCRIPTION =
  "View a local image from the filesystem (only use if given a full filepath by the user, and the image isn't already attached to the thread context within <image ...> tags).";
const DETAIL_DESCRIPTION =
  "Optional detail override. The only supported value is `original`; omit this field for default resized behavior. Use `original` to preserve the file's original resolution instead of resizing to fit. This is important when high-fidelity image perception or precise localization is needed, especially for CUA agents.";

/** The spec; `detail` is offered only to models that may ask for the original resolution. */
export function viewImageSpec(config: Pick<ToolsConfig, "model">) {
  const path = { type: "string", description: "Local filesystem path to an image file" };
  const properties = config.model.supportsImageDetailOriginal
    ? { detail: { type: "string", description: DETAIL_DESCRIPTION }, path }
    : { path };
  return {
    type: "function",
    name: "view_image",
    description: DESCRIPTION,
    strict: false,
    parameters: { type: "object", properties, required: ["path"], additionalProperties: false },
  };
}

const ViewImageArgs = z.object({ path: z.string(), detail: z.string().nullish() });

export const viewImageTool: ToolHandler = {
  name: "view_image",
  spec: viewImageSpec,
  async execute(context) {
    const { call } = context;
    const fail = (text: string) => outputFor(call, text);
    if (!context.model.supportsImages) return fail("view_image is not allowed because you do not support image inputs");
    const parsed = parseArgs(ViewImageArgs, call.input);
    if (!parsed.ok) return fail(parsed.message);
    const { detail } = parsed.value;
    if (detail !== undefined && detail !== null && detail !== "original") {
      return fail(`view_image.detail only supports \`original\`; omit \`detail\` for default resized behavior, got \`${detail}\``);
    }
    const path = resolveWorkdir(context.settings.cwd, parsed.value.path);
    try {
      if (!(await stat(path)).isFile()) return fail(`image path \`${path}\` is not a file`);
    } catch (error) {
      return fail(`unable to locate image at \`${path}\`: ${ioErrorText(error)}`);
    }
    let bytes: Buffer;
    try {
      bytes = await readImageFile(path);
    } catch (error) {
      return fail(`unable to read image at \`${path}\`: ${ioErrorText(error)}`);
    }
    const original = detail === "original" && context.model.supportsImageDetailOriginal;
    let url: string;
    try {
      ({ url } = await promptImage(path, bytes, original ? "original" : "resize"));
    } catch (error) {
      if (error instanceof ImageProcessingError) return fail(`unable to process image at \`${path}\`: ${error.message}`);
      throw error;
    }
    await context.event({ type: "view_image_tool_call", call_id: call.callId, path });
    return {
      type: "function_call_output",
      call_id: call.callId,
      output: [{ type: "input_image", image_url: url, detail: original ? "original" : DEFAULT_IMAGE_DETAIL }],
    };
  },
};
