/** How user input becomes a model message, as Codex's `ResponseInputItem::from(Vec<UserInput>)` does. */
import type { ContentItem, ResponseItem, UserInputItem } from "../events/index.js";

export function userMessageItem(items: readonly UserInputItem[]): ResponseItem {
  const content: ContentItem[] = [];
  for (const input of items) {
    switch (input.type) {
      case "text":
        content.push({ type: "input_text", text: input.text });
        break;
      case "image":
        content.push({ type: "input_image", image_url: input.image_url });
        break;
      case "local_image":
        // The file is read when the op is accepted (see `resolveLocalImages`); a path left here
        // means it could not be read, and Codex tells the model so in text.
        content.push({ type: "input_text", text: `[image unavailable: ${input.path}]` });
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
