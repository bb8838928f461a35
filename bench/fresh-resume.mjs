// The script a fresh Node process runs to time a resume from inside: module loading,
// createRuntime and resumeThread, printed as one JSON line (ms). Shared by bench:costs and
// bench:startup, so both measure the same thing.
const INDEX = new URL("../dist/index.js", import.meta.url).href;

/** `node --input-type=module -e` source resuming `id` (which must have `turns` turns) in `dataDir`. */
export function freshResumeScript(dataDir, id, turns) {
  return `
    const t0 = performance.now();
    const { createRuntime } = await import(${JSON.stringify(INDEX)});
    const t1 = performance.now();
    const rt = await createRuntime({ dataDir: ${JSON.stringify(dataDir)}, config: {}, env: {}, model: { apiKey: "x", baseURL: "http://127.0.0.1:9/v1" } });
    const t2 = performance.now();
    const thread = await rt.resumeThread(${JSON.stringify(id)});
    const t3 = performance.now();
    if (thread.state.turns.length !== ${turns}) throw new Error("resumed " + thread.state.turns.length + " turns");
    await rt.close();
    console.log(JSON.stringify({ imports: t1 - t0, create: t2 - t1, resume: t3 - t2 }));`;
}
