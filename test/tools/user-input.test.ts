// request_user_input: the model asks, the user answers with user_input_answer, the model reads the answers.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nextEvent, startLoom, type LoomHarness } from "../support/loom.js";
import { inputItems, textTurn, toolCallTurn } from "../support/fake-responses.js";
import { normalizeQuestions, REQUEST_USER_INPUT_SPEC } from "../../src/actors/tools/user-input.js";
import { TurnAbortedError } from "../../src/runtime/errors.js";

const question = {
  id: "color",
  header: "Color",
  question: "Which color should the button be?",
  options: [
    { label: "Blue (Recommended)", description: "Matches the brand." },
    { label: "Red", description: "Stands out." },
  ],
};
const outputOf = (request: any, callId: string) =>
  inputItems(request).find((item: any) => item.type === "function_call_output" && item.call_id === callId)?.output;

describe("normalizeQuestions", () => {
  it("adds the free-form Other to every question, keeping Codex's field order", () => {
    const questions = normalizeQuestions(JSON.stringify({ questions: [question] }));
    expect(questions).toEqual([{ ...question, isOther: true, isSecret: false }]);
    expect(Object.keys((questions as object[])[0]!)).toEqual(["id", "header", "question", "isOther", "isSecret", "options"]);
  });

  it("requires options on every question", () => {
    const { options: _, ...bare } = question;
    expect(normalizeQuestions(JSON.stringify({ questions: [question, bare] }))).toBe(
      "request_user_input requires non-empty options for every question",
    );
    expect(normalizeQuestions(JSON.stringify({ questions: [{ ...question, options: [] }] }))).toBe(
      "request_user_input requires non-empty options for every question",
    );
  });

  it("reports arguments that are not questions", () => {
    expect(normalizeQuestions("{")).toMatch(/^failed to parse function arguments: /);
    expect(normalizeQuestions("{}")).toMatch(/^failed to parse function arguments: questions: /);
  });
});

describe("request_user_input through the runtime", () => {
  let loom: LoomHarness;
  beforeEach(async () => {
    // In Default mode only with the feature on, as in Codex (Plan mode always has it: see below).
    loom = await startLoom({ config: { features: { default_mode_request_user_input: true } } });
  });
  afterEach(async () => {
    await loom.close();
  });

  it("is offered to the model", async () => {
    loom.server.enqueue(textTurn("hi"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("hello");
    expect(loom.server.requests[0]!.body.tools).toContainEqual(REQUEST_USER_INPUT_SPEC);
    expect(REQUEST_USER_INPUT_SPEC.description).toMatch(/only available in Default or Plan mode\.$/);
  });

  it("asks, waits for the user's answer, and gives it to the model as JSON", async () => {
    loom.server.enqueue(toolCallTurn("q1", "request_user_input", { questions: [question] }), textTurn("Blue it is."));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const asked = nextEvent(thread.events$, "request_user_input");
    const run = thread.run("style the button");
    const request = await asked;
    expect(request).toMatchObject({ call_id: "q1", questions: [{ id: "color", isOther: true }] });
    expect(thread.state.pendingApprovals.map((p) => p.kind)).toEqual(["user_input"]);
    await thread.submit({ type: "user_input_answer", id: "q1", response: { answers: { color: { answers: ["Blue (Recommended)"] } } } });
    expect((await run).finalResponse).toBe("Blue it is.");
    expect(outputOf(loom.server.requests[1], "q1")).toBe('{"answers":{"color":{"answers":["Blue (Recommended)"]}}}');
    expect(thread.state.pendingApprovals).toEqual([]);
  });

  it("accepts an answer addressed by turn id, as Codex's clients send it", async () => {
    loom.server.enqueue(toolCallTurn("q1", "request_user_input", { questions: [question] }), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const asked = nextEvent(thread.events$, "request_user_input");
    const run = thread.run("ask me");
    const { turn_id } = await asked;
    await thread.submit({ type: "user_input_answer", id: turn_id, response: { answers: { color: { answers: ["Red"] } } } });
    await run;
    expect(outputOf(loom.server.requests[1], "q1")).toBe('{"answers":{"color":{"answers":["Red"]}}}');
  });

  it("tells the model when its questions have no options, without asking", async () => {
    const { options: _, ...bare } = question;
    loom.server.enqueue(toolCallTurn("q1", "request_user_input", { questions: [bare] }), textTurn("ok"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    await thread.run("ask me");
    expect(outputOf(loom.server.requests[1], "q1")).toBe("request_user_input requires non-empty options for every question");
    expect(thread.state.pendingApprovals).toEqual([]);
  });

  it("ends with Codex's aborted text when the turn is interrupted while waiting", async () => {
    loom.server.enqueue(toolCallTurn("q1", "request_user_input", { questions: [question] }), textTurn("next"));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const asked = nextEvent(thread.events$, "request_user_input");
    const aborted = nextEvent(thread.events$, "turn_aborted");
    const run = thread.run("ask me");
    await asked;
    await thread.interrupt();
    await aborted;
    await expect(run).rejects.toBeInstanceOf(TurnAbortedError);
    await thread.run("again");
    expect(outputOf(loom.server.requests[1], "q1")).toMatch(/^aborted by user after \d+\.\ds$/);
  });
});

describe("request_user_input and the collaboration mode (Codex's defaults)", () => {
  let loom: LoomHarness;
  beforeEach(async () => {
    loom = await startLoom();
  });
  afterEach(async () => {
    await loom.close();
  });

  it("is described as Plan-mode only and refused in Default mode, without asking anyone", async () => {
    loom.server.enqueue(toolCallTurn("q1", "request_user_input", { questions: [question] }), textTurn("I will assume blue."));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    let asked = false;
    thread.events$.subscribe((event) => (asked ||= event.msg.type === "request_user_input"));
    await thread.run("pick a color");
    const tool = loom.server.requests[0]!.body.tools.find((t: any) => t.name === "request_user_input");
    expect(tool.description).toBe("Request user input for one to three short questions and wait for the response. This tool is only available in Plan mode.");
    expect(outputOf(loom.server.requests[1], "q1")).toBe("request_user_input is unavailable in Default mode");
    expect(asked).toBe(false);
  });

  it("asks in Plan mode, and Plan mode's instructions reach the model", async () => {
    loom.server.enqueue(toolCallTurn("q1", "request_user_input", { questions: [question] }), textTurn("Blue it is."));
    const thread = await loom.rt.startThread({ cwd: loom.cwd, approvalPolicy: "never" });
    const asked = nextEvent(thread.events$, "request_user_input");
    const done = new Promise<void>((resolve) => thread.events$.subscribe((e) => e.msg.type === "task_complete" && resolve()));
    await thread.submit({
      type: "user_input_with_turn_context",
      items: [{ type: "text", text: "plan the button" }],
      collaboration_mode: { mode: "plan", settings: { model: "gpt-5.5", reasoning_effort: null, developer_instructions: null } },
    });
    const request = await asked;
    await thread.submit({ type: "user_input_answer", id: request.call_id, response: { answers: { color: { answers: ["Blue (Recommended)"] } } } });
    await done;
    const developer = inputItems(loom.server.requests[0]!).find((item: any) => item.role === "developer");
    expect(developer.content.some((part: any) => part.text.startsWith("<collaboration_mode># Plan Mode"))).toBe(true);
    expect(JSON.parse(outputOf(loom.server.requests[1], "q1"))).toEqual({ answers: { color: { answers: ["Blue (Recommended)"] } } });
  });
});
