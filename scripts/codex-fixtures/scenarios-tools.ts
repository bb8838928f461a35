// Scenarios for the tools the model is offered: unified exec (a process polled with write_stdin,
// one typed into through a PTY), shell_command when unified exec is off, the argv `shell` of a
// model the catalog does not know, view_image and image input (and an image the API refuses),
// and a failing apply_patch. Each one's requests are what Loom's requests are compared with.
import { join } from "node:path";
import { EXEC_FLAGS, exec, onlyThread, type Scenario } from "./steps.js";

/** A 1x1 PNG: small enough that Codex sends its bytes unchanged. */
export const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

const UNIFIED_EXEC_OFF = ["[features]", "unified_exec = false"];

/** One `codex exec` turn, then a resumed text turn so the tool call is replayed from the rollout. */
export function execThenResume(
  name: string,
  description: string,
  prompt: string,
  options: Partial<Scenario> & { args?: string[] } = {},
): Scenario {
  const { args = [], ...rest } = options;
  return {
    name,
    description,
    ...rest,
    async run(ctx) {
      await exec(ctx, "turn 1", ["exec", ...EXEC_FLAGS, ...args, prompt]);
      const threadId = onlyThread(ctx);
      ctx.beginFinal(threadId, "Thanks.");
      await exec(ctx, "turn 2 (final, resumed)", ["exec", "resume", ...EXEC_FLAGS, ...args, threadId, "Thanks."]);
      return { threadId };
    },
  };
}

export const toolScenarios: Scenario[] = [
  execThenResume(
    "exec-poll",
    "The model starts `sleep 1; echo done` with exec_command and yield_time_ms 250, so the process is still " +
      "running when the call returns (a session id); it polls with an empty write_stdin until the process exits.",
    "Please start `sleep 1; echo done` and wait for it.",
  ),
  execThenResume(
    "exec-interactive",
    "The model runs `read -r name; echo hello $name` with tty=true; the process waits for input, the model " +
      "types `loom\\n` with write_stdin, and the PTY echoes it before the command's answer.",
    "Please run `read -r name; echo hello $name` interactively.",
  ),
  execThenResume(
    "shell-command",
    "`[features] unified_exec = false`: the catalog's shell tool, shell_command, is offered instead of " +
      "exec_command; the model runs `echo hi` with it.",
    "Please run `echo hi`.",
    { sandbox: { tables: UNIFIED_EXEC_OFF } },
  ),
  execThenResume(
    "shell-argv",
    "A model the bundled catalog does not know (`loom-test-model`) with unified exec off: Codex falls back " +
      "to default metadata, whose shell tool is the argv `shell`; the model runs `echo hi` with it.",
    "Please run `echo hi`.",
    { args: ["-m", "loom-test-model"], sandbox: { tables: UNIFIED_EXEC_OFF } },
  ),
  execThenResume(
    "view-image",
    "The model calls view_image on a 1x1 PNG in the working directory; the output is the image as a data URL.",
    "Please view `pic.png`.",
    { sandbox: { files: { "pic.png": TINY_PNG } } },
  ),
  {
    name: "image-rejected",
    description:
      "The model calls view_image on a 1x1 PNG; the request carrying it is refused with the API's invalid-image " +
      '400, so Codex replaces the image in the tool output with "Invalid image" and asks again.',
    sandbox: { files: { "pic.png": TINY_PNG } },
    async run(ctx) {
      ctx.model.rejectImages = true;
      ctx.beginFinal("", "Please view `pic.png`.");
      await exec(ctx, "turn 1 (final)", ["exec", ...EXEC_FLAGS, "Please view `pic.png`."]);
      return { threadId: onlyThread(ctx) };
    },
  },
  execThenResume(
    "image-undecodable",
    "The model calls view_image on a file named .png that is a PNG signature followed by junk: Codex cannot " +
      "decode it and tells the model so; nothing is sent as an image.",
    "Please view `bad.png`.",
    { sandbox: { files: { "bad.png": Buffer.concat([TINY_PNG.subarray(0, 16), Buffer.from("not really a png")]) } } },
  ),
  {
    name: "local-image",
    description: "`codex exec --image pic.png`: the user message carries the image after the prompt text.",
    sandbox: { files: { "pic.png": TINY_PNG } },
    async run(ctx) {
      const image = join(ctx.sandbox.cwd, "pic.png");
      ctx.beginFinal("", "Describe the image.");
      await exec(ctx, "turn 1 (final)", ["exec", ...EXEC_FLAGS, "Describe the image.", "--image", image]);
      return { threadId: onlyThread(ctx) };
    },
  },
  execThenResume(
    "patch-fail",
    "The model sends apply_patch an update of a file that does not exist; the output says why it failed.",
    "Please patch `missing.txt`.",
  ),
  execThenResume(
    "patch-via-shell",
    "The model sends `apply_patch <<'EOF' ... EOF` to exec_command; Codex applies it as a patch and warns the model.",
    "Please apply a patch through the shell.",
  ),
  execThenResume(
    "patch-apply",
    "The model adds `notes.txt` with apply_patch; it succeeds. Codex records the output as JSON " +
      "(`{\"output\",\"metadata\"}`) and, the freeform apply_patch tool being offered, sends it as text.",
    "Please write a patch in `notes.txt`.",
  ),
];
