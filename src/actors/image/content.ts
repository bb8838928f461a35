/**
 * Images as parts of a user message (Codex `ResponseInputItem::from(Vec<UserInput>)`): an image
 * URL between `<image>` tags, a local file read and labelled `<image name=[Image #N]>`. A file that
 * cannot be read or is not an image becomes a text part saying so, in Codex's words, so the model
 * knows something was attached and what went wrong.
 */
import { readFile, stat } from "node:fs/promises";
import type { ContentItem } from "../../events/index.js";
import { ImageProcessingError, ioErrorText } from "./load.js";
import { promptImage } from "./prompt.js";

/** Codex's `DEFAULT_IMAGE_DETAIL`. */
export const DEFAULT_IMAGE_DETAIL = "high";
/** Larger files are not read into memory (the API takes images of at most 20 MB). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** `<image>`, the image, `</image>`: an image given by URL. */
export function imageUrlContent(imageUrl: string): ContentItem[] {
  return [
    { type: "input_text", text: "<image>" },
    { type: "input_image", image_url: imageUrl, detail: DEFAULT_IMAGE_DETAIL },
    { type: "input_text", text: "</image>" },
  ];
}

/** Reads an image file within the size bound; throws with Rust's io error text on failure. */
export async function readImageFile(path: string): Promise<Buffer> {
  const info = await stat(path);
  if (info.isFile() && info.size > MAX_IMAGE_BYTES) {
    throw new Error(`the file is ${info.size} bytes; images of at most ${MAX_IMAGE_BYTES} bytes are sent`);
  }
  return readFile(path);
}

/** The parts for local image number `label` at `path` (absolute). */
export async function localImageContent(path: string, label: number): Promise<ContentItem[]> {
  let bytes: Buffer;
  try {
    bytes = await readImageFile(path);
  } catch (error) {
    return [{ type: "input_text", text: `Codex could not read the local image at \`${path}\`: ${ioErrorText(error)}` }];
  }
  try {
    const { url } = await promptImage(path, bytes, "resize");
    return [
      { type: "input_text", text: `<image name=[Image #${label}]>` },
      { type: "input_image", image_url: url, detail: DEFAULT_IMAGE_DETAIL },
      { type: "input_text", text: "</image>" },
    ];
  } catch (error) {
    if (error instanceof ImageProcessingError) {
      return [{ type: "input_text", text: `Codex cannot attach image at \`${path}\`: ${error.message}.` }];
    }
    throw error;
  }
}
