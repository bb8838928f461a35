/** Renders the app into #root (React's API, Preact underneath: see vite.config.ts). */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";

export function renderApp(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
