/**
 * The program of an argv, looked up as `execvp` would before anything is launched. A launcher
 * (bubblewrap, setpriv) always starts, so a missing program would otherwise surface as the
 * launcher's own message; looking first keeps Codex's `execution error` for it.
 */
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

export type ProgramLookup = { ok: true } | { ok: false; code: "ENOENT" | "EACCES" };

export function lookupProgram(program: string, cwd: string, searchPath: string | undefined): ProgramLookup {
  if (program === "") return { ok: false, code: "ENOENT" };
  if (program.includes("/")) return check(path.resolve(cwd, program));
  let denied = false;
  // execvp's default search path when PATH is unset.
  for (const dir of (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    const found = check(path.resolve(cwd, dir || ".", program));
    if (found.ok) return found;
    if (found.code === "EACCES") denied = true;
  }
  return { ok: false, code: denied ? "EACCES" : "ENOENT" };
}

function check(candidate: string): ProgramLookup {
  try {
    if (statSync(candidate).isDirectory()) return { ok: false, code: "EACCES" };
  } catch {
    return { ok: false, code: "ENOENT" };
  }
  try {
    accessSync(candidate, constants.X_OK);
    return { ok: true };
  } catch {
    return { ok: false, code: "EACCES" };
  }
}
