// The loader half of module-trace.mjs: runs on the loader thread and records each ESM load.
import { appendFileSync } from "node:fs";

let out;
export function initialize(data) {
  out = data.out;
}

export async function load(url, context, next) {
  appendFileSync(out, `${url}\n`);
  return next(url, context);
}
