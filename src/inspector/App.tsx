/**
 * The inspector: the token gate, the thread list, and the open thread. The address keeps the open
 * thread and seq (`#/t/ID/SEQ`), so a point in a session can be linked and reloaded.
 */
import { useCallback, useEffect, useState } from "react";
import { Api, ApiRequestError, initialToken, saveToken, setToken, type ThreadSummary } from "./api.js";
import { ThreadList } from "./ThreadList.js";
import { ThreadView } from "./ThreadView.js";
import { isTyping } from "./keys.js";
import { parseRoute } from "./opening.js";

export function App() {
  const [token, setTokenState] = useState<string | null>(() => {
    const t = initialToken();
    setToken(t);
    return t;
  });
  const [threads, setThreads] = useState<ThreadSummary[]>([]);
  const [route, setRoute] = useState(parseRoute);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    Api.threads().then(
      (r) => {
        setThreads(r.threads);
        setError(null);
      },
      (e: Error) => {
        if (e instanceof ApiRequestError && e.status === 401) setTokenState(null);
        else setError(e.message);
      },
    );
  }, []);

  useEffect(() => {
    if (!token) return;
    load();
    // Threads started elsewhere (another tab, an API client) show up without a reload.
    const timer = setInterval(() => document.visibilityState === "visible" && load(), 5000);
    return () => clearInterval(timer);
  }, [token, load]);

  useEffect(() => {
    const onHash = () => {
      // An address with a new #token= pasted into this tab: take it, as a fresh load would.
      if (/(?:^#|&)token=/.test(location.hash)) {
        const t = initialToken();
        setToken(t);
        setTokenState(t);
      }
      setRoute(parseRoute());
    };
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "t" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        const selected = route.threadId ? document.getElementById(`thread-${route.threadId}`) : null;
        (selected ?? document.querySelector<HTMLElement>(".thread-item"))?.focus();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [route.threadId]);

  const open = useCallback((id: string, seq?: number) => {
    location.hash = `#/t/${encodeURIComponent(id)}${seq ? `/${seq}` : ""}`;
  }, []);

  const onSeq = useCallback(
    (seq: number) => {
      // The address may already name another thread whose hashchange is still on its way (the
      // seq is written a moment after the cursor rests): rewriting it would undo that navigation.
      if (!route.threadId || parseRoute().threadId !== route.threadId) return;
      history.replaceState(null, "", `#/t/${encodeURIComponent(route.threadId)}/${seq}`);
    },
    [route.threadId],
  );

  if (!token) {
    return (
      <form
        className="token-gate"
        onSubmit={(event) => {
          event.preventDefault();
          const value = String(new FormData(event.currentTarget).get("token") ?? "").trim();
          if (!value) return;
          saveToken(value);
          setToken(value);
          setTokenState(value);
        }}
      >
        <h1>Loom inspector</h1>
        <p>Paste the token `loom serve` printed (or open the address it printed, which carries it).</p>
        <input name="token" type="password" aria-label="token" autoFocus />
        <button type="submit" className="primary">
          Open
        </button>
      </form>
    );
  }

  return (
    <div className="app">
      <ThreadList threads={threads} selected={route.threadId} onOpen={open} onChanged={load} />
      <main className="main">
        {error && <div className="notice error">{error}</div>}
        {route.threadId ? (
          <ThreadView key={route.threadId} threadId={route.threadId} initialSeq={route.seq} onOpenThread={open} onThreadsChanged={load} onSeq={onSeq} />
        ) : (
          <div className="pad muted">
            <h2>Pick a thread</h2>
            <p>Its log opens as a timeline: scrub to any seq to see the state the model saw there, diff two points, fork or replay from one, and answer what a live thread asks.</p>
          </div>
        )}
      </main>
    </div>
  );
}
