// Turns one scenario run into fixture files, and checks what the fixture claims: that the final
// request's input is the rollout's history followed by the items Codex recorded for the new turn.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordedRequest } from "../../test/support/fake-responses.js";
import type { RolloutLine } from "./codex-process.js";

export interface ScenarioRun {
  name: string;
  description: string;
  codexVersion: string;
  config: string[];
  steps: string[];
  notes: string[];
  threadId: string;
  requests: RecordedRequest[];
  purposes: string[];
  finalRequestIndex: number;
  finalPrompt: string;
  /** The final thread's rollout text just before the final turn ("" when it had none). */
  rolloutBefore: string;
  rolloutAfter: string;
  /** Other rollouts saved alongside, by fixture file name. */
  extraRollouts: Record<string, string>;
}

const parse = (text: string): RolloutLine[] =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

const messageText = (item: any): string => (item.content ?? []).map((part: { text?: string }) => part.text ?? "").join("");

/** "role: first words" or "type: detail", for a reader skimming meta.json. */
export function describeItem(item: any): string {
  if (item?.type === "message") {
    const text = messageText(item);
    const flat = text.replace(/\s+/g, " ").trim();
    return `${item.role} message: ${flat.length > 70 ? `${flat.slice(0, 70)}...` : flat}`;
  }
  if (item?.type === "function_call") return `function_call ${item.name} ${item.arguments}`;
  if (item?.type === "function_call_output") return `function_call_output ${item.call_id}`;
  return String(item?.type);
}

const isInputMessage = (item: any): boolean =>
  item?.type === "message" && (item.role === "user" || item.role === "developer" || item.role === "system");

/** User messages Codex injects as context, which do not start a user turn. */
const isContextual = (item: any): boolean =>
  item?.type === "message" &&
  (item.role === "developer" || /^\s*(<[a-z_]+>|# AGENTS\.md instructions)/.test(messageText(item)));

const isUserTurnStart = (item: any): boolean => item?.type === "message" && item.role === "user" && !isContextual(item);

/**
 * A deliberately small reading of Codex's history rules, used only as a cross-check: response
 * items in order, the newest compaction's replacement_history replaces everything before it, and
 * a rollback marker drops the last N user turns along with the context items just before them.
 */
export function simpleHistory(lines: RolloutLine[]): any[] {
  let history: any[] = [];
  for (const line of lines) {
    if (line.type === "response_item") history.push(line.payload);
    else if (line.type === "compacted" && Array.isArray(line.payload.replacement_history)) history = [...line.payload.replacement_history];
    else if (line.type === "event_msg" && line.payload.type === "thread_rolled_back") {
      const starts = history.flatMap((item, index) => (isUserTurnStart(item) ? [index] : []));
      let cut = starts[Math.max(0, starts.length - line.payload.num_turns)] ?? history.length;
      while (cut > 0 && isContextual(history[cut - 1])) cut -= 1;
      history = history.slice(0, cut);
    }
  }
  return history;
}

export function writeFixture(outDir: string, run: ScenarioRun): { ok: boolean; summary: string } {
  const dir = join(outDir, run.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const next = run.requests[run.finalRequestIndex];
  if (!next) throw new Error(`${run.name}: no request arrived for the final turn`);
  const input: any[] = next.body.input;
  const before = parse(run.rolloutBefore);
  const after = parse(run.rolloutAfter);

  // Codex only appends to a rollout, so the final turn's lines are a suffix of the file.
  const appendOnly = run.rolloutAfter.startsWith(run.rolloutBefore) && same(after.slice(0, before.length), before);
  if (!appendOnly) throw new Error(`${run.name}: the rollout was rewritten during the final turn, not appended to`);
  // What Codex recorded for the new turn before asking the model: its context updates and the user message.
  const recorded = after
    .slice(before.length)
    .filter((line) => line.type === "response_item")
    .map((line) => line.payload);
  const firstOutput = recorded.findIndex((item) => !isInputMessage(item));
  const newTurnItems = firstOutput === -1 ? recorded : recorded.slice(0, firstOutput);
  const tail = input.slice(input.length - newTurnItems.length);
  const newTurnItemsMatch = same(tail, newTurnItems);
  const history = input.slice(0, input.length - newTurnItems.length);
  const reconstructed = simpleHistory(before);
  const historyMatches = same(history, reconstructed);
  const firstMismatch = historyMatches ? undefined : history.findIndex((item, i) => !same(item, reconstructed[i]));

  const meta = {
    scenario: run.name,
    description: run.description,
    codexVersion: run.codexVersion,
    configExtra: run.config,
    steps: run.steps,
    threadId: run.threadId,
    files: {
      "rollout.jsonl": "the final thread's rollout just before the final turn started",
      "rollout-final-turn.jsonl": "the lines the final turn appended to rollout.jsonl (the two together are the rollout after the final turn)",
      ...Object.fromEntries(Object.keys(run.extraRollouts).map((name) => [name, "another rollout of the scenario"])),
      "requests.json": "every request the fake Responses server received, in order, with a purpose label",
      "next-request.json": `the first request of the final turn (requests.json index ${run.finalRequestIndex})`,
    },
    finalTurn: {
      prompt: run.finalPrompt,
      requestIndex: run.finalRequestIndex,
      inputItems: input.length,
      historyItems: history.length,
      newTurnItems: newTurnItems.length,
      newTurnItemsDescribed: newTurnItems.map(describeItem),
    },
    checks: {
      rolloutIsAppendOnly: appendOnly,
      newTurnItemsEqualInputTail: newTurnItemsMatch,
      historyEqualsSimpleReconstruction: historyMatches,
      ...(firstMismatch === undefined
        ? {}
        : {
            firstHistoryMismatch: {
              index: firstMismatch,
              request: history[firstMismatch] === undefined ? null : describeItem(history[firstMismatch]),
              reconstructed: reconstructed[firstMismatch] === undefined ? null : describeItem(reconstructed[firstMismatch]),
              requestHistoryLength: history.length,
              reconstructedLength: reconstructed.length,
            },
          }),
    },
    notes: run.notes,
  };

  const requests = run.requests.map((request) => ({
    index: request.index,
    purpose: run.purposes[request.index] ?? "unlabelled",
    method: request.method,
    path: request.path,
    headers: request.headers,
    body: request.body,
  }));
  writeFileSync(join(dir, "rollout.jsonl"), run.rolloutBefore);
  writeFileSync(join(dir, "rollout-final-turn.jsonl"), run.rolloutAfter.slice(run.rolloutBefore.length));
  for (const [name, text] of Object.entries(run.extraRollouts)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "requests.json"), `${JSON.stringify(requests, null, 2)}\n`);
  writeFileSync(join(dir, "next-request.json"), `${JSON.stringify(next.body, null, 2)}\n`);
  writeFileSync(join(dir, "meta.json"), `${JSON.stringify(meta, null, 2)}\n`);

  const ok = appendOnly && newTurnItemsMatch;
  const summary =
    `${run.name}: ${run.requests.length} requests, final input ${history.length} history + ${newTurnItems.length} new items; ` +
    `append-only ${appendOnly}, tail matches ${newTurnItemsMatch}, simple reconstruction matches ${historyMatches}`;
  return { ok, summary };
}
