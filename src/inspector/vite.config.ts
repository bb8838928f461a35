// The inspector's build: `npm run build` (and so `npm install`) writes it to dist/inspector, which
// `loom serve` serves. Nothing is fetched at build or run time beyond the npm packages.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
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
