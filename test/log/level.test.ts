import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { LevelEventLog } from "../../src/log/index.js";
import { eventLogContract } from "./contract.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

eventLogContract("LevelDB", async (options) => {
  const dir = await mkdtemp(join(tmpdir(), "loom-log-"));
  dirs.push(dir);
  return LevelEventLog.open(dir, options);
});
