/** How user input becomes a model message, as Codex's `ResponseInputItem::from(Vec<UserInput>)` does. */
import { isAbsolute, resolve } from "node:path";
import type { ContentItem, ResponseItem, UserInputItem } from "../events/index.js";
import { imageUrlContent, localImageContent } from "../actors/image/index.js";

/**
 * The user message for `items`: texts as they are, images numbered in order (URLs between
 * `<image>` tags, local files read now and labelled `[Image #N]`); skills and mentions add nothing
 * here. A relative image path is taken from the thread's working directory.
 */
export async function userMessageItem(items: readonly UserInputItem[], cwd: string): Promise<ResponseItem> {
  const content: ContentItem[] = [];
  let images = 0;
  for (const input of items) {
    switch (input.type) {
      case "text":
        content.push({ type: "input_text", text: input.text });
        break;
      case "image":
        images += 1;
        content.push(...imageUrlContent(input.image_url));
        break;
      case "local_image":
        images += 1;
        content.push(...(await localImageContent(isAbsolute(input.path) ? input.path : resolve(cwd, input.path), images)));
        break;
      case "skill":
      case "mention":
        break;
    }
  }
  return { type: "message", role: "user", content };
}

export function userMessageText(items: readonly UserInputItem[]): string {
  return items.flatMap((input) => (input.type === "text" ? [input.text] : [])).join("\n");
}
