/** The inspector's entry: renders the app into #root (React's API, Preact underneath: see vite.config.ts). */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Api, initialToken, prefetch, setToken } from "./api.js";
import { App, parseRoute } from "./App.js";
import { openingRequests } from "./useThread.js";
import "./styles.css";

// The thread list and the thread in the address are asked for before the first render.
const token = initialToken();
setToken(token);
if (token) {
  const route = parseRoute();
  prefetch(() => {
    void Api.threads();
    if (route.threadId) openingRequests(route.threadId, route.seq);
  });
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
