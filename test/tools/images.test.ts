// view_image and image input with real files: what the model gets for an image, and Codex's words
// for each way a path can be wrong (missing, a folder, not an image, a bad detail).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectUntil, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { TINY_PNG } from "../../scripts/codex-fixtures/scenarios-tools.js";
import sharp from "sharp";
import { detectFormat, imageDataUrl, imageDimensions, promptImage } from "../../src/actors/image/index.js";

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

/** A solid image of `width` x `height` encoded by libvips (sharp) in `format`. */
function solid(width: number, height: number, format: "png" | "jpeg" | "webp" | "gif"): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 200, g: 10, b: 10, alpha: 1 } } })
    .toFormat(format)
    .toBuffer();
}

/** The format and size of the image inside a data URL, read back by a real decoder. */
async function decoded(url: string): Promise<{ mime: string; format?: string; width?: number; height?: number }> {
  const [, mime, base64] = /^data:([^;]+);base64,(.*)$/s.exec(url)!;
  const meta = await sharp(Buffer.from(base64!, "base64")).metadata();
  return { mime: mime!, format: meta.format, width: meta.width, height: meta.height };
}

describe("image sizes (Codex resizes to fit 2048 x 2048)", () => {
  it("reads the size from the header of each format", async () => {
    for (const format of ["png", "jpeg", "webp", "gif"] as const) {
      expect(imageDimensions(await solid(300, 17, format)), format).toEqual({ width: 300, height: 17 });
    }
    expect(imageDimensions(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBeNull();
  });

  it("shrinks a wide PNG and a tall WebP keeping their format, and keeps small images byte for byte", async () => {
    const wide = await promptImage("wide.png", await solid(4096, 2048, "png"), "resize");
    expect(await decoded(wide.url)).toEqual({ mime: "image/png", format: "png", width: 2048, height: 1024 });
    const tall = await promptImage("tall.webp", await solid(1024, 4096, "webp"), "resize");
    expect(await decoded(tall.url)).toEqual({ mime: "image/webp", format: "webp", width: 512, height: 2048 });
    const jpeg = await promptImage("big.jpg", await solid(3000, 3000, "jpeg"), "resize");
    expect(await decoded(jpeg.url)).toEqual({ mime: "image/jpeg", format: "jpeg", width: 2048, height: 2048 });
    const small = await solid(2048, 100, "png");
    expect((await promptImage("small.png", small, "resize")).url).toBe(`data:image/png;base64,${small.toString("base64")}`);
  });

  it("keeps a large image whole in original mode, and re-encodes a GIF as PNG as Codex does", async () => {
    const big = await solid(4096, 2048, "png");
    expect((await promptImage("big.png", big, "original")).url).toBe(`data:image/png;base64,${big.toString("base64")}`);
    const gif = await promptImage("anim.gif", await solid(40, 30, "gif"), "resize");
    expect(await decoded(gif.url)).toEqual({ mime: "image/png", format: "png", width: 40, height: 30 });
  });

  it("says an image whose body does not decode could not be decoded", async () => {
    const big = await solid(4096, 2048, "png");
    const truncated = big.subarray(0, 200);
    await expect(promptImage("/w/cut.png", truncated, "resize")).rejects.toThrow(/^failed to decode image at \/w\/cut\.png: /);
  });

  it("sends the model a 4096-pixel screenshot from view_image at 2048, and the original when asked", async () => {
    await writeFile(join(loom.cwd, "shot.png"), await solid(4096, 1000, "png"));
    const [resized] = (await viewImage({ path: "shot.png" })) as { image_url: string; detail: string }[];
    expect(resized!.detail).toBe("high");
    expect(await decoded(resized!.image_url)).toMatchObject({ width: 2048, height: 500 });
    const [original] = (await viewImage({ path: "shot.png", detail: "original" })) as { image_url: string; detail: string }[];
    expect(original!.detail).toBe("original");
    expect(await decoded(original!.image_url)).toMatchObject({ width: 4096, height: 1000 });
  });

  it("shrinks a large local image attached to a user message", async () => {
    await writeFile(join(loom.cwd, "photo.jpg"), await solid(2500, 5000, "jpeg"));
    loom.server.enqueue(textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run([{ type: "local_image", path: "photo.jpg" }]);
    const image = inputItems(loom.server.requests[0]!).at(-1).content[1];
    expect(await decoded(image.image_url)).toEqual({ mime: "image/jpeg", format: "jpeg", width: 1024, height: 2048 });
  });
});
