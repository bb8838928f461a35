/**
 * Where the replay runs. A rollout names the working directories of the machine it was recorded
 * on (`/home/alice/project`); in CI they rarely exist. Each recorded directory that does not exist
 * here (or every one, when a directory is given) is stood in for by a local one, and Loom's
 * writes are read back with the local path replaced by the recorded one before they are compared,
 * so the history still says what Codex's said.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class WorkingDirectories {
  private readonly local = new Map<string, string>();
  private readonly temporary: string[] = [];

  /** `given`: the directory every recorded working directory runs in (default: itself if it exists, else a temporary one). */
  constructor(private readonly given?: string) {}

  /** The local directory standing in for `recorded`. */
  async localFor(recorded: string): Promise<string> {
    const known = this.local.get(recorded);
    if (known !== undefined) return known;
    let local = this.given;
    if (local === undefined) {
      const exists = await stat(recorded).then((s) => s.isDirectory(), () => false);
      if (exists) local = recorded;
      else {
        local = await mkdtemp(join(tmpdir(), "loom-replay-cwd-"));
        this.temporary.push(local);
      }
    }
    this.local.set(recorded, local);
    return local;
  }

  /** `value` with every local stand-in written as the recorded directory it stands for. */
  recorded<T>(value: T): T {
    const pairs = [...this.local].filter(([recorded, local]) => recorded !== local);
    if (pairs.length === 0) return value;
    // Longest first, so a stand-in that contains another is replaced whole.
    pairs.sort((a, b) => b[1].length - a[1].length);
    const text = (s: string) => pairs.reduce((out, [recorded, local]) => out.split(local).join(recorded), s);
    const walk = (v: unknown): unknown => {
      if (typeof v === "string") return text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([key, inner]) => [key, walk(inner)]));
      return v;
    };
    return walk(value) as T;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.temporary.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}
