// Legacy notify (Codex's agent-turn-complete JSON as the program's last argument) and hooks
// confined by the thread's sandbox (real bubblewrap).
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startLoom, type LoomHarness } from "../support/loom.js";
import { messageTexts, textTurn } from "../support/fake-responses.js";
import { outsideDir } from "../sandbox/support.js";
import { command, hooksJson, script } from "./support.js";

let loom: LoomHarness | undefined;
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await loom?.close();
  for (const step of cleanup.splice(0)) await step();
});

describe("notify", () => {
  it("starts the notify program with the turn's JSON at the end of each turn", async () => {
    const received: string[] = [];
    let arrived!: () => void;
    const notified = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push(body);
        res.end();
        arrived();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const programDir = await mkdtemp(join(tmpdir(), "loom-notify-"));
    cleanup.push(() => rm(programDir, { recursive: true, force: true }));
    const program = join(programDir, "notify.mjs");
    await writeFile(program, "const [, , url, payload] = process.argv;\nawait fetch(url, { method: 'POST', body: payload });\n");
    loom = await startLoom({ config: { notify: [process.execPath, program, url] } });

    loom.server.enqueue(textTurn("all done"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxPolicy: { type: "danger-full-access" } });
    await thread.run("tell me when you finish");
    await notified;
    const payload = JSON.parse(received[0]!);
    expect(payload).toEqual({
      type: "agent-turn-complete",
      "thread-id": thread.id,
      "turn-id": expect.any(String),
      cwd: loom.cwd,
      "input-messages": ["tell me when you finish"],
      "last-assistant-message": "all done",
    });
  });

  it("warns about a notify value that is not a program and its arguments", async () => {
    loom = await startLoom({ config: { notify: "say done" } });
    const thread = await loom.rt.startThread({ cwd: loom.cwd });
    expect(thread.opening.some((e) => e.msg.type === "warning" && (e.msg as any).message.startsWith("ignoring notify in config.toml"))).toBe(true);
  });
});

describe("hooks under the sandbox", () => {
  it("runs a command hook confined by the thread's workspace-write sandbox", async () => {
    loom = await startLoom();
    const outside = await outsideDir();
    cleanup.push(() => rm(outside, { recursive: true, force: true }));
    const hook = await script(
      join(loom.dataDir, "bin"),
      "session-start.sh",
      `if touch ${outside}/escaped 2>/dev/null; then echo escaped; else echo confined; fi\ntouch ./inside && echo inside-written`,
    );
    await hooksJson(loom.dataDir, { SessionStart: [command(hook)] });
    loom.server.enqueue(textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never", sandboxPolicy: { type: "workspace-write" } });
    await thread.run("hello");
    expect(messageTexts(loom.server.requests[0]!, "developer")).toContain("confined\ninside-written");
    expect(existsSync(join(outside, "escaped"))).toBe(false);
    expect(existsSync(join(loom.cwd, "inside"))).toBe(true);
  });
});
