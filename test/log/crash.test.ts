/**
 * A child process appends in a loop and is killed with SIGKILL; on reopen each thread must be a
 * gapless prefix of whole appends that contains every append acknowledged before the kill.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { LevelEventLog } from "../../src/log/index.js";
import { collect, range, seqsOf } from "./entries.js";

const child = fileURLToPath(new URL("./crash-child.mjs", import.meta.url));
let dir: string | undefined;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("keeps every acknowledged append and only whole appends after a SIGKILL", async () => {
  dir = await mkdtemp(join(tmpdir(), "loom-crash-"));
  const acked = await runUntilKilled(dir, 3000);

  const log = await LevelEventLog.open(dir);
  try {
    for (const id of ["a", "b"]) {
      const head = await log.head(id);
      expect(head).toBeGreaterThanOrEqual(acked.get(id) ?? 0);
      const entries = await collect(log.read(id));
      expect(seqsOf(entries)).toEqual(range(1, head));
      // Parts run 1/n..n/n for each append: an append is all there or not at all.
      const parts = entries.map((entry) => /part (\d+)\/(\d+)$/.exec((entry.payload as { delta: string }).delta)!);
      let expected = 1;
      for (const [, part, size] of parts) {
        expect(Number(part)).toBe(expected);
        expected = Number(part) === Number(size) ? 1 : expected + 1;
      }
      expect(expected).toBe(1);
    }
  } finally {
    await log.close();
  }
});

/** Runs the child until it has acknowledged `acks` appends, kills it, and returns the highest acked seq per thread. */
async function runUntilKilled(dataDir: string, acks: number): Promise<Map<string, number>> {
  const proc = spawn(process.execPath, [child, dataDir], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on("exit", (_code, signal) => resolve(signal)));
  const acked = new Map<string, number>();
  let count = 0;
  for await (const line of createInterface({ input: proc.stdout })) {
    const [id, seq] = line.split(" ");
    acked.set(id, Math.max(acked.get(id) ?? 0, Number(seq)));
    if (++count === acks) {
      proc.kill("SIGKILL");
      break;
    }
  }
  const signal = await exited;
  if (signal !== "SIGKILL") throw new Error(`the child exited on its own after ${count} acks: ${stderr}`);
  return acked;
}
