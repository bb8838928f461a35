// Preloaded with `node --require` by tests that check a process starts no other process: every
// child_process call writes `SPAWN <file>` to stderr before it runs.
const childProcess = require("node:child_process");
const { syncBuiltinESMExports } = require("node:module");

for (const name of ["spawn", "spawnSync", "execFile", "execFileSync", "exec", "execSync", "fork"]) {
  const original = childProcess[name];
  childProcess[name] = function (...args) {
    process.stderr.write(`SPAWN ${name} ${String(args[0])}\n`);
    return original.apply(this, args);
  };
}
// ESM importers of node:child_process see the wrapped functions too.
syncBuiltinESMExports();
