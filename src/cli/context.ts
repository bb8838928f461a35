/** Opening the runtime a command works on: data dir and configuration from the global options. */
import { createRuntime, defaultDataDir, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";

export interface GlobalValues {
  "data-dir"?: string;
  storage?: string;
  config?: string[];
}

export async function openRuntime(values: GlobalValues, extra: Partial<RuntimeOptions> = {}): Promise<Runtime> {
  return createRuntime({
    dataDir: values["data-dir"] ?? defaultDataDir(),
    storage: values.storage,
    configOverrides: values.config ?? [],
    ...extra,
  });
}

/** Runs `body` with a runtime and always closes it. */
export async function withRuntime<T>(values: GlobalValues, body: (rt: Runtime) => Promise<T>, extra: Partial<RuntimeOptions> = {}): Promise<T> {
  const rt = await openRuntime(values, extra);
  try {
    return await body(rt);
  } finally {
    await rt.close();
  }
}
