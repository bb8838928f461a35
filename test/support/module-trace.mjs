// Preloaded with `node --import` by tests that check what a command loads: appends the URL of every
// module loaded (ESM and CommonJS) to the file named by LOOM_TEST_MODULES, one a line.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const out = process.env.LOOM_TEST_MODULES;
if (out) {
  register(new URL("./module-trace-hooks.mjs", import.meta.url), { data: { out } });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = load.call(this, request, parent, isMain);
    try {
      appendFileSync(out, `${Module._resolveFilename(request, parent, isMain)}\n`);
    } catch {
      // A built-in or an unresolvable name: not what the test looks for.
    }
    return loaded;
  };
}
