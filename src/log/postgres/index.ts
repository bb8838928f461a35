/** The PostgreSQL backend: one event log shared by many processes, with a lease per written thread. */
/** `await PostgresEventLog.open(url, { schema, owner, leaseTtlMs, pollIntervalMs })`: the `EventLog` port plus leases. */
export { PostgresEventLog } from "./postgres-event-log.js";
export type { PostgresEventLogOptions } from "./postgres-event-log.js";
/** A lease as `listLeases()` reports it (owner, token, expiry, expired). */
export type { LeaseInfo } from "./leases.js";
/** The schema version this Loom creates and migrates to. */
export { SCHEMA_VERSION } from "./schema.js";
