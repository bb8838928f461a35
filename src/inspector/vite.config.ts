// The inspector's build: `npm run build` (and so `npm install`) writes it to dist/inspector, which
// `loom serve` serves. Nothing is fetched at build or run time beyond the npm packages.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // The page is written against React's API and runs on Preact's implementation of it
  // (preact/compat): a third of the script to load and compile (90 KB rather than 290 KB), and a
  // lighter first render, which is most of a cold page load's time.
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
      { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
      { find: /^react-dom$/, replacement: "preact/compat" },
      { find: /^react$/, replacement: "preact/compat" },
    ],
  },
  base: "./",
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../../dist/inspector", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
    chunkSizeWarningLimit: 1000,
  },
});
