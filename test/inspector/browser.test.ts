// The inspector in a real Chromium against a real `loom serve` on 127.0.0.1:0: open a thread,
// scrub to a seq and check the state shown, diff, fork and continue the fork, answer an approval
// of a running thread while its events arrive, replay and see a divergence in place.
// With LOOM_SCREENSHOTS=DIR (npm run screenshots) it also saves the README's screenshots there.
// The page's CSP forbids eval: predicates are functions, never strings.
import { access, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { httpError, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { startServe, TOKEN, type ServeHarness } from "../support/serve.js";
import { chromiumAvailable, CHROMIUM, launchChromium } from "../support/browser.js";

const SHOTS = process.env.LOOM_SCREENSHOTS;

let browser: Browser;
let h: ServeHarness;
let page: Page;
let threadId: string;
let errors: string[];

beforeAll(async () => {
  if (!chromiumAvailable()) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (CI's .ci/run does)`);
  browser = await launchChromium();
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  h = await startServe();
  h.loom.server.enqueue(textTurn("first answer"), toolCallTurn("c0", "shell", { command: ["echo", "hello"] }), textTurn("second answer"));
  const thread = await h.loom.rt.startThread({ cwd: h.loom.cwd, approvalPolicy: "never", name: "fix the tests" });
  threadId = thread.id;
  await thread.run("first question");
  await thread.run("second question");
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
});
afterEach(async () => {
  await page?.close();
  await h.close();
  expect(errors).toEqual([]);
});

async function openThread(id: string): Promise<void> {
  await page.goto(`${h.server.url}#token=${TOKEN}`);
  await page.waitForSelector(".thread-item");
  await page.evaluate(`location.hash = ${JSON.stringify(`#/t/${id}`)}`);
  await page.waitForSelector('.timeline[data-ready="1"]');
}

async function turns(id: string): Promise<any[]> {
  return (await h.api(`/api/threads/${id}/turns`)).body.turns;
}

async function shot(name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, name) });
}

const promptText = () => page.locator(".prompt").innerText();

describe("the inspector", () => {
  it("asks for the token, and opens with the one the address carries", async () => {
    await page.goto(h.server.url);
    await page.waitForSelector(".token-gate");
    await page.fill('input[name="token"]', "wrong");
    await page.click(".token-gate button");
    await page.waitForSelector(".token-gate"); // the API said 401: asked again
    await page.goto(`${h.server.url}#token=${TOKEN}`);
    await page.waitForSelector(".thread-item");
    expect(await page.locator(".thread-item").first().innerText()).toContain("fix the tests");
    // The token does not stay in the address bar.
    expect(await page.evaluate("location.hash")).not.toContain(TOKEN);
  });

  it("opens the thread in the address on a cold load, asking the server for each opening request once", async () => {
    const asked: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith("/api/")) asked.push(`${url.pathname}${url.search}`);
    });
    await page.goto(`${h.server.url}#token=${TOKEN}&/t/${threadId}`);
    await page.waitForSelector('.timeline[data-ready="1"]');
    const head = (await h.api(`/api/threads/${threadId}`)).body.thread.headSeq;
    await page.waitForSelector(`[data-state-seq="${head}"]`);
    await page.waitForSelector(".turn-item");
    const opening = [`/api/threads`, `/api/threads/${threadId}`, `/api/threads/${threadId}/turns`, `/api/threads/${threadId}/entries?view=summary&limit=200&order=desc`];
    for (const path of opening) expect(asked.filter((p) => p === path), path).toHaveLength(1);
  });

  it("renders only the rows in view of a long thread, and the rows scrolled to", async () => {
    const log = h.loom.rt.log;
    const { id } = await log.createThread({ name: "long" });
    await log.append(id, Array.from({ length: 3_000 }, (_, i) => ({ kind: "event_msg" as const, payload: { type: "agent_message_delta", delta: `delta ${i + 1}` } })));
    await openThread(id);
    await page.waitForSelector('.row[data-seq="3000"] .kind');
    expect(await page.locator(".row").count()).toBeLessThan(100);
    await page.locator(".timeline").evaluate((element) => (element.scrollTop = 0));
    await page.waitForSelector('.row[data-seq="1"] .kind');
    expect(await page.locator('.row[data-seq="1"] .text').innerText()).toContain("delta 1");
    expect(await page.locator(".row").count()).toBeLessThan(100);
    await page.locator(".timeline").evaluate((element) => (element.scrollTop = 1500 * 24));
    await page.waitForSelector('.row[data-seq="1510"] .kind');
    expect(await page.locator('.row[data-seq="3000"]').count()).toBe(0);
  });

  it("opens a thread, scrubs to a seq and shows the state there, diffs two points, moves by keyboard", async () => {
    const [first, second] = await turns(threadId);
    const head = second.lastSeq;
    await openThread(threadId);
    await page.waitForSelector(`[data-state-seq="${head}"]`);
    expect(await page.locator(".turn-item").count()).toBe(2);
    // Scrub to the end of the first turn: the model's view there has the first exchange only.
    await page.fill('input[aria-label="seq"]', String(first.lastSeq));
    await page.waitForSelector(`[data-state-seq="${first.lastSeq}"]`);
    const then = await promptText();
    expect(then).toContain("first question");
    expect(then).toContain("first answer");
    expect(then).not.toContain("second question");
    await page.waitForSelector(`.row.selected[data-seq="${first.lastSeq}"]`);
    await shot("state-at-seq.png");
    // Mark A here, go to the head: the diff is the second turn.
    await page.focus(".timeline");
    await page.keyboard.press("m");
    await page.keyboard.press("End");
    await page.waitForSelector(`[data-diff="${first.lastSeq}-${head}"]`);
    const diff = await page.locator(".diff-panel").innerText();
    expect(diff).toContain("turn");
    expect(diff).toMatch(/\+\s*user second question/);
    expect(diff).toMatch(/\+\s*call shell/);
    expect(diff).toMatch(/\+\s*assistant second answer/);
    await shot("diff.png");
    // k moves the cursor back one entry; p jumps to the previous turn's start.
    await page.keyboard.press("k");
    await page.waitForSelector(`.timeline[aria-activedescendant="row-${head - 1}"]`);
    await page.keyboard.press("p");
    await page.waitForSelector(`.row.selected[data-seq="${second.firstSeq}"]`);
    await page.keyboard.press("s");
    await page.waitForSelector(`[data-state-seq="${second.firstSeq}"]`);
  });

  it("moves the timeline to the cursor even when the state's answer never comes, and puts the seq in the address once the cursor rests", async () => {
    const [first] = await turns(threadId);
    await openThread(threadId);
    const head = (await h.api(`/api/threads/${threadId}`)).body.thread.headSeq;
    await page.waitForSelector(`[data-state-seq="${head}"]`);
    // From here on the server's state answers are held back for good.
    let held = 0;
    await page.route("**/state?**", () => void held++);
    await page.fill('input[aria-label="seq"]', String(first.firstSeq));
    await page.waitForSelector(`.row.selected[data-seq="${first.firstSeq}"]`);
    expect(held).toBeGreaterThan(0);
    expect(await page.locator("[data-state-seq]").getAttribute("data-state-seq")).toBe(String(head));
    await page.waitForFunction((seq) => (globalThis as any).location.hash.endsWith(`/${seq}`), first.firstSeq);
    await page.unrouteAll({ behavior: "ignoreErrors" });
  });

  it("forks before the second turn, continues the fork from the browser, and leaves the original as it was", async () => {
    const [, second] = await turns(threadId);
    await openThread(threadId);
    await page.click(`.turn-item >> text=second question`);
    await page.focus(".timeline");
    await page.keyboard.press("k");
    await page.waitForSelector(`.row.selected[data-seq="${second.firstSeq - 1}"]`);
    await page.keyboard.press("f");
    await page.waitForFunction((id) => {
      const hash: string = (globalThis as any).location.hash;
      return hash.startsWith("#/t/") && !hash.includes(id);
    }, threadId);
    await page.waitForSelector("text=fork of");
    const forkId = decodeURIComponent(((await page.evaluate("location.hash")) as string).split("/")[2]);
    await page.waitForSelector(`.thread-item >> text=fork @`);
    h.loom.server.enqueue(textTurn("a different second answer"));
    await page.fill(".composer textarea", "try it another way");
    await page.click(".composer button[type=submit]");
    // The live stream brings the new turn's rows; the state at the head shows the new answer.
    await page.waitForSelector(`.row .text >> text=a different second answer`);
    await page.waitForFunction(() => (globalThis as any).document.querySelector(".prompt")?.textContent?.includes("a different second answer"));
    await shot("fork.png");
    expect((await turns(forkId)).map((t) => t.userMessage)).toEqual(["first question", "try it another way"]);
    expect((await turns(threadId)).map((t) => t.userMessage)).toEqual(["first question", "second question"]);
  });

  it("finds the turn that went wrong: flagged in the turn list, e jumps to its error", async () => {
    const thread = await h.loom.rt.resumeThread(threadId);
    h.loom.server.enqueue(httpError(400, { message: "the request was refused", type: "invalid_request_error" }));
    await thread.run("third question").catch(() => undefined);
    const all = await turns(threadId);
    expect(all).toHaveLength(3);
    await openThread(threadId);
    await page.waitForSelector(".turn-item.status-failed");
    expect(await page.locator(".turn-item.status-failed").innerText()).toContain("third question");
    await page.focus(".timeline");
    await page.keyboard.press("g");
    await page.keyboard.press("e");
    await page.waitForSelector(".row.selected.error");
    expect(await page.locator(".row.selected").innerText()).toContain("the request was refused");
    // What the model saw when it went wrong: the state at the error.
    const seq = await page.locator(".row.selected").getAttribute("data-seq");
    await page.waitForSelector(`[data-state-seq="${seq}"]`);
    expect(await promptText()).toContain("third question");
  });

  it("follows a running thread and answers its pending approval", async () => {
    const started = await h.api("/api/threads", { body: { cwd: h.loom.cwd, approvalPolicy: "untrusted", name: "needs approval" } });
    const id = started.body.thread.id;
    await openThread(id);
    h.loom.server.enqueue(toolCallTurn("c1", "shell", { command: ["touch", "made.txt"] }), textTurn("made it"));
    await h.api(`/api/threads/${id}/submissions`, { body: { op: { type: "user_input", items: [{ type: "text", text: "make a file" }] } } });
    // Live events arrive without a reload, and the request waits in the state panel.
    await page.waitForSelector(`.row .kind >> text=exec_approval_request`);
    await page.waitForSelector('.pending[data-pending="c1"]');
    expect(await page.locator(".pending").innerText()).toContain("touch made.txt");
    await shot("approval.png");
    await page.click('.pending[data-pending="c1"] button:has-text("Approve")');
    await page.waitForSelector(`.row .text >> text=made it`);
    await page.waitForFunction(() => !(globalThis as any).document.querySelector(".pending"));
    await access(join(h.loom.cwd, "made.txt"));
  });

  it("replays from a point: no divergence, then a divergence shown in place after AGENTS.md changed", async () => {
    const [, second] = await turns(threadId);
    await openThread(`${threadId}`);
    await page.fill('input[aria-label="seq"]', String(second.firstSeq));
    await page.focus(".timeline");
    await page.keyboard.press("r");
    await page.waitForSelector('[data-replay="same"]');
    expect(await page.locator(".replay-panel").innerText()).toContain("no divergence");
    await writeFile(join(h.loom.cwd, "AGENTS.md"), "Use tabs.\n");
    await page.focus(".timeline");
    await page.keyboard.press("r");
    await page.waitForSelector('[data-replay="diverged"]');
    const panel = await page.locator(".replay-panel").innerText();
    expect(panel).toMatch(/divergence at seq \d+/);
    expect(panel).toContain("Use tabs.");
    // The cursor moved to the divergence, which the timeline marks.
    await page.waitForSelector(".row.divergence.selected");
    await shot("replay-divergence.png");
  });
});
