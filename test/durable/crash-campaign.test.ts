// The crash campaign (see campaign.ts): random SIGKILLs of a real `loom proto` during turns with
// shell calls, steering input and approvals; then resume and replay. A few runs with a fixed seed
// here; `npm run crash-campaign` (LOOM_CRASH_RUNS, LOOM_CRASH_SEED) runs as many as you like.
import { expect, it } from "vitest";
import { runCampaign } from "./campaign.js";

const runs = Number(process.env.LOOM_CRASH_RUNS ?? 4);
const seed = Number(process.env.LOOM_CRASH_SEED ?? 13);

it(`loses no logged input, runs no command twice and replays every thread (${runs} runs, seed ${seed})`, { timeout: 60_000 + runs * 20_000 }, async () => {
  const stats = await runCampaign({ runs, seed, report: process.env.LOOM_CRASH_RUNS ? (line) => console.log(line) : undefined });
  if (process.env.LOOM_CRASH_RUNS) console.log(JSON.stringify({ ...stats, problems: stats.problems.length }, null, 2));
  expect(stats.problems).toEqual([]);
  expect(stats.runs).toBe(runs);
  expect(stats.kills).toBeGreaterThanOrEqual(runs);
  expect(stats.lost + stats.ranTwice + stats.approvedNotRun).toBe(0);
  expect(stats.replays).toBe(runs);
});
