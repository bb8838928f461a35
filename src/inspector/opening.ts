/**
 * What the page asks for first, without React: the address's route, and the requests that open a
 * thread. `main.tsx` sends them before the app's code has even loaded; the app's own first
 * identical requests take their answers (see `prefetch` in api.ts).
 */
import { Api } from "./api.js";

/** Rows per page the timeline fetches. */
export const PAGE = 200;

/** The open thread and seq, from the address (`#/t/ID/SEQ`). */
export function parseRoute(): { threadId: string | null; seq?: number } {
  const match = /^#\/t\/([^/]+)(?:\/(\d+))?/.exec(location.hash);
  if (!match) return { threadId: null };
  return { threadId: decodeURIComponent(match[1]), seq: match[2] ? Number(match[2]) : undefined };
}

/** Opening a thread: the rows at the end (or around `initialSeq`) with the head, the thread, its turns. */
export function openingRequests(threadId: string, initialSeq: number | undefined) {
  return {
    rows: initialSeq ? Api.find(threadId, { to: initialSeq + PAGE / 2, order: "desc", limit: PAGE }) : Api.find(threadId, { order: "desc", limit: PAGE }),
    thread: Api.thread(threadId),
    turns: Api.turns(threadId),
  };
}
