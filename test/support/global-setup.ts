import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Child-process tests (CLI, crash, restart) run the compiled package, so it must match the sources;
// the browser tests load the built inspector, so it is rebuilt from its sources too.
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
  // vitest sets NODE_ENV=test, which would make vite build React's development bundle.
  execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--config", "src/inspector/vite.config.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
}
