// view_image and image input with real files: what the model gets for an image, and Codex's words
// for each way a path can be wrong (missing, a folder, not an image, a bad detail).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectUntil, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { TINY_PNG } from "../../scripts/codex-fixtures/scenarios-tools.js";
import { detectFormat, imageDataUrl } from "../../src/actors/image/index.js";

let loom: LoomHarness;
beforeEach(async () => {
  loom = await startLoom();
  await writeFile(join(loom.cwd, "pic.png"), TINY_PNG);
  await writeFile(join(loom.cwd, "notes.txt"), "plain text");
  await mkdir(join(loom.cwd, "folder"));
});
afterEach(async () => {
  await loom.close();
});

const dataUrl = `data:image/png;base64,${TINY_PNG.toString("base64")}`;

async function viewImage(args: Record<string, unknown>): Promise<unknown> {
  loom.server.enqueue(toolCallTurn("v1", "view_image", args), textTurn("seen"));
  const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
  await thread.run("look");
  return inputItems(loom.server.requests.at(-1)!).find((item) => item.type === "function_call_output" && item.call_id === "v1").output;
}

describe("view_image", () => {
  it("returns the image itself, with detail high, and reports the call", async () => {
    loom.server.enqueue(toolCallTurn("v1", "view_image", { path: "pic.png" }), textTurn("seen"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxMode: "danger-full-access" });
    const events = collectUntil(thread.events$, "task_complete");
    await thread.run("look");
    const output = inputItems(loom.server.requests[1]!).find((item) => item.type === "function_call_output").output;
    expect(output).toEqual([{ type: "input_image", image_url: dataUrl, detail: "high" }]);
    expect((await events).map((e) => e.msg).find((m) => m.type === "view_image_tool_call")).toEqual({
      type: "view_image_tool_call",
      call_id: "v1",
      path: join(loom.cwd, "pic.png"),
    });
  });

  it("keeps the original resolution when asked", async () => {
    expect(await viewImage({ path: join(loom.cwd, "pic.png"), detail: "original" })).toEqual([{ type: "input_image", image_url: dataUrl, detail: "original" }]);
  });

  it.each([
    [{ path: "missing.png" }, (cwd: string) => `unable to locate image at \`${cwd}/missing.png\`: No such file or directory (os error 2)`],
    [{ path: "folder" }, (cwd: string) => `image path \`${cwd}/folder\` is not a file`],
    [{ path: "notes.txt" }, (cwd: string) => `unable to process image at \`${cwd}/notes.txt\`: unsupported image \`text/plain\``],
    [{ path: "pic.png", detail: "low" }, () => "view_image.detail only supports `original`; omit `detail` for default resized behavior, got `low`"],
    [{ detail: "original" }, () => "failed to parse function arguments: path: Invalid input: expected string, received undefined"],
  ])("refuses %j with Codex's text", async (args, text) => {
    expect(await viewImage(args)).toBe(text(loom.cwd));
  });
});

describe("image input", () => {
  it("numbers local images and URLs, and says what could not be attached", async () => {
    loom.server.enqueue(textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run([
      { type: "local_image", path: "pic.png" },
      { type: "image", image_url: "https://example.test/a.png" },
      { type: "local_image", path: "gone.png" },
      { type: "local_image", path: join(loom.cwd, "notes.txt") },
      { type: "text", text: "What are these?" },
    ]);
    const message = inputItems(loom.server.requests[0]!).at(-1);
    expect(message.content).toEqual([
      { type: "input_text", text: "<image name=[Image #1]>" },
      { type: "input_image", image_url: dataUrl, detail: "high" },
      { type: "input_text", text: "</image>" },
      { type: "input_text", text: "<image>" },
      { type: "input_image", image_url: "https://example.test/a.png", detail: "high" },
      { type: "input_text", text: "</image>" },
      { type: "input_text", text: `Codex could not read the local image at \`${loom.cwd}/gone.png\`: No such file or directory (os error 2)` },
      { type: "input_text", text: `Codex cannot attach image at \`${loom.cwd}/notes.txt\`: unsupported image \`text/plain\`.` },
      { type: "input_text", text: "What are these?" },
    ]);
  });
});

describe("image formats", () => {
  it("recognises PNG (with an intact header), JPEG, GIF and WebP by their bytes", () => {
    expect(detectFormat(TINY_PNG)).toBe("png");
    const corrupt = Buffer.from(TINY_PNG);
    corrupt[20] ^= 0xff;
    expect(detectFormat(corrupt)).toBeNull();
    expect(detectFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe("jpeg");
    expect(detectFormat(Buffer.from("GIF89a......"))).toBe("gif");
    expect(detectFormat(Buffer.from("RIFF\0\0\0\0WEBPVP8 \0\0\0\0"))).toBe("webp");
    expect(() => imageDataUrl("x.png", Buffer.from("not an image"))).toThrow("unsupported image `image/png`");
  });
});
