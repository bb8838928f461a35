// The model_request digests computed incrementally (per thread) must equal the plain digests: replay
// compares them with the ones recorded before, by any version.
import { describe, expect, it } from "vitest";
import { modelRequestEvent, RequestDigests } from "../../src/runtime/turn-request.js";
import type { ResponsesRequest } from "../../src/actors/model/index.js";
import type { ResponseItem } from "../../src/events/index.js";

const message = (text: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const request = (input: ResponseItem[], tools: unknown[] = [{ type: "function", name: "f" }]) =>
  ({ model: "gpt-5.5", instructions: "be brief", input, tools, stream: true }) as unknown as ResponsesRequest;

describe("RequestDigests", () => {
  it("gives the digests of a full hash while the prompt grows, is cut back, or changes in place", () => {
    const digests = new RequestDigests();
    const a = message("a");
    const b = message("b");
    const c = message("c");
    const tool = { type: "function", name: "f" };
    const prompts: ResponseItem[][] = [[], [a], [a, b], [a, b, c], [a, b], [a, message("b"), c], [b, a], [a, b, c, message("")]];
    for (const input of prompts) {
      const incremental = modelRequestEvent("t", request([...input], [tool]), "turn", digests);
      const full = modelRequestEvent("t", request([...input], [tool]));
      expect(incremental).toEqual(full);
    }
  });

  it("notices changed instructions and tools", () => {
    const digests = new RequestDigests();
    const first = modelRequestEvent("t", request([message("a")]), "turn", digests);
    const other = { ...request([message("a")], [{ type: "function", name: "g" }]), instructions: "be long" } as ResponsesRequest;
    const second = modelRequestEvent("t", other, "turn", digests);
    expect(second).toEqual(modelRequestEvent("t", other));
    expect(second).not.toEqual(first);
  });
});
