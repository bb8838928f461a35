/**
 * Talking to the thread: a message (a `user_input` op; it steers a running turn), an interrupt,
 * or any Codex op written as JSON. Sending opens the thread in the server if it is not live.
 */
import { useState } from "react";
import { Api } from "./api.js";

export interface ComposerProps {
  threadId: string;
  running: boolean;
  onSent(): void;
  onError(message: string): void;
}

export function Composer({ threadId, running, onSent, onError }: ComposerProps) {
  const [text, setText] = useState("");
  const [raw, setRaw] = useState(false);
  const [busy, setBusy] = useState(false);

  const send = async (op: Record<string, unknown>) => {
    setBusy(true);
    try {
      await Api.submit(threadId, op);
      setText("");
      onSent();
    } catch (error) {
      onError((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = () => {
    if (!text.trim()) return;
    if (!raw) return void send({ type: "user_input", items: [{ type: "text", text }] });
    let op: unknown;
    try {
      op = JSON.parse(text);
    } catch (error) {
      return onError(`the op is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof op !== "object" || op === null || Array.isArray(op)) return onError('an op is a JSON object such as {"type": "interrupt"}');
    void send(op as Record<string, unknown>);
  };

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        value={text}
        rows={2}
        aria-label={raw ? "op as JSON" : "message to the thread"}
        placeholder={raw ? '{"type": "override_turn_context", "model": "gpt-5.5"}' : running ? "steer the running turn…" : "continue the thread…"}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <div className="composer-actions">
        <button type="submit" className="primary" disabled={busy || !text.trim()}>
          {raw ? "Submit op" : "Send"}
        </button>
        <button type="button" disabled={busy || !running} onClick={() => void send({ type: "interrupt" })}>
          Interrupt
        </button>
        <label className="muted">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> op JSON
        </label>
      </div>
    </form>
  );
}
