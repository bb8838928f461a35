/** Images the model reads: local files and URLs turned into prompt content, as Codex sends them. */

/** `imageDataUrl(path, bytes)`: a recognised image as a data URL; `ImageProcessingError` otherwise. */
export { imageDataUrl, detectFormat, mimeFromPath, ioErrorText, ImageProcessingError } from "./load.js";
export type { ImageFormat } from "./load.js";
/** User-message parts for an image URL or a local image file (with Codex's error texts). */
export { imageUrlContent, localImageContent, readImageFile, DEFAULT_IMAGE_DETAIL, MAX_IMAGE_BYTES } from "./content.js";
/** `promptImage(path, bytes, mode)`: the image as Codex sends it, shrunk to fit 2048 x 2048 unless `original`. */
export { promptImage, MAX_IMAGE_DIMENSION } from "./prompt.js";
export type { PromptImage, PromptImageMode } from "./prompt.js";
/** `imageDimensions(bytes)`: the size an image's header declares, without decoding it. */
export { imageDimensions } from "./dimensions.js";
export type { ImageSize } from "./dimensions.js";
