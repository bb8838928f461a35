/**
 * Where a rollout comes from: text already in memory, or a file read line by line so a large
 * rollout never sits in memory whole. Either way the reader yields parsed lines and line errors in
 * file order, and can be read more than once (import looks ahead for the thread id first).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseRolloutLine, parseRolloutLines, type RolloutLine, type RolloutLineError } from "./line.js";

/** A string is the rollout's text; `{ path }` names a file. */
export type RolloutSource = string | { text: string } | { path: string };

export type ParsedLine = RolloutLine | RolloutLineError;

export interface RolloutReader {
  /** What the source is, for messages (`<text>` or the path). */
  readonly name: string;
  lines(): AsyncIterable<ParsedLine>;
}

export function rolloutReader(source: RolloutSource): RolloutReader {
  if (typeof source === "string") return textReader(source);
  if ("text" in source) return textReader(source.text);
  return fileReader(source.path);
}

function textReader(text: string): RolloutReader {
  let parsed: ParsedLine[] | undefined;
  return {
    name: "<text>",
    async *lines() {
      parsed ??= [...parseRolloutLines(text)];
      yield* parsed;
    },
  };
}

function fileReader(path: string): RolloutReader {
  return {
    name: path,
    async *lines() {
      const stream = createReadStream(path, { encoding: "utf8" });
      // readline splits on \n and \r\n alike, as Codex's `str::lines` does.
      const reader = createInterface({ input: stream, crlfDelay: Infinity });
      let lineNumber = 0;
      try {
        for await (let text of reader) {
          lineNumber++;
          if (lineNumber === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
          const parsed = parseRolloutLine(text, lineNumber);
          if (parsed !== null) yield parsed;
        }
      } finally {
        reader.close();
        stream.destroy();
      }
    },
  };
}
