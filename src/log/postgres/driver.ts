/**
 * The `pg` driver, loaded when a PostgreSQL log is first opened: every `loom` command imports the
 * log, and loading `pg` costs a command that uses LevelDB about as much as the rest of its start.
 */
import type pg from "pg";

let loaded: typeof pg | undefined;

/** Loads the driver (once). */
export async function loadDriver(): Promise<typeof pg> {
  loaded ??= (await import("pg")).default;
  return loaded;
}

/** The driver, once `loadDriver` has run (it has whenever a PostgreSQL log is open). */
export function driver(): typeof pg {
  if (!loaded) throw new Error("the PostgreSQL driver is not loaded: open the log with PostgresEventLog.open");
  return loaded;
}
