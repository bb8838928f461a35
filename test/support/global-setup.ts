import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

// Child-process tests (CLI, crash, restart) run the compiled package, so it must match the sources.
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
}
