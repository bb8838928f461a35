// The inspector's build: `npm run build` (and so `npm install`) writes it to dist/inspector, which
// `loom serve` serves. Nothing is fetched at build or run time beyond the npm packages.
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

/**
 * The app's chunk is imported by main.tsx only after it has sent the page's first requests; a
 * modulepreload in the page starts its download with the entry's, ahead of those requests.
 */
function preloadApp(): Plugin {
  return {
    name: "loom-preload-app",
    apply: "build",
    transformIndexHtml(_html, ctx) {
      const app = Object.values(ctx.bundle ?? {}).find((chunk) => chunk.type === "chunk" && chunk.facadeModuleId?.endsWith("/render.tsx"));
      return app ? [{ tag: "link", attrs: { rel: "modulepreload", crossorigin: true, href: `./${app.fileName}` }, injectTo: "head" }] : [];
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [preloadApp()],
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
