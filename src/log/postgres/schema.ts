/**
 * The PostgreSQL schema, created and migrated by Loom itself: an ordered list of migrations, the
 * versions applied recorded in `<schema>.schema_version`. Workers starting together migrate once:
 * the whole migration runs in one transaction under an advisory lock. A database migrated by a
 * newer Loom is refused rather than written with the wrong assumptions.
 *
 * Tables (all in the configured schema, `loom` by default):
 * - `threads`: one row per thread: fork link (parent, fork seq), committed head, name, creation
 *   time, and the lease (owner, fencing token, expiry). The head is the thread's compare-and-set
 *   point: every append moves it from the expected seq to the new one in the same statement.
 * - `entries`: `(thread_id, seq)` primary key, the entry's JSON as text (what LevelDB stores).
 * - `snapshots`: `(thread_id, seq)` primary key, the folded state's JSON.
 * - `snapshot_parts`: pieces of snapshots by the hash of their JSON (`key`), shared by every
 *   snapshot of every thread that names them (src/state/snapshot-parts.ts).
 */
import type pg from "pg";
import { SchemaVersionError } from "../errors.js";

const MIGRATIONS: ReadonlyArray<(s: string) => string> = [
  // 1: threads, entries, snapshots, leases.
  (s) => `
    CREATE TABLE ${s}.threads (
      id text PRIMARY KEY,
      parent_id text REFERENCES ${s}.threads (id),
      fork_seq bigint,
      head_seq bigint NOT NULL CHECK (head_seq >= 0),
      name text,
      created_at text NOT NULL,
      lease_owner text,
      lease_token bigint NOT NULL DEFAULT 0,
      lease_expires_at timestamptz,
      CHECK ((parent_id IS NULL) = (fork_seq IS NULL))
    );
    CREATE TABLE ${s}.entries (
      thread_id text NOT NULL,
      seq bigint NOT NULL CHECK (seq >= 1),
      entry text NOT NULL,
      PRIMARY KEY (thread_id, seq)
    );
    CREATE TABLE ${s}.snapshots (
      thread_id text NOT NULL,
      seq bigint NOT NULL,
      data text NOT NULL,
      PRIMARY KEY (thread_id, seq)
    );
  `,
  // 2: snapshot parts (snapshots stop holding everything before them).
  (s) => `
    CREATE TABLE ${s}.snapshot_parts (
      key text PRIMARY KEY,
      data text NOT NULL
    );
  `,
];

/** The schema version this Loom writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

/** A schema name usable unquoted in SQL (it is interpolated, so it is checked strictly). */
export function assertSchemaName(schema: string): void {
  if (!IDENTIFIER.test(schema)) {
    throw new TypeError(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _ (at most 48)`);
  }
}

/** Creates the schema or brings it up to `SCHEMA_VERSION`; returns the version found before. */
export async function migrate(client: pg.ClientBase, schema: string): Promise<number> {
  assertSchemaName(schema);
  await client.query("BEGIN");
  try {
    // hashtext gives a stable int4 per schema name: migrators of one schema wait for each other.
    await client.query("SELECT pg_advisory_xact_lock(4242, hashtext($1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${schema}.schema_version`);
    const found = rows[0]?.version ?? 0;
    if (found > SCHEMA_VERSION) {
      throw new SchemaVersionError(
        `the event log in PostgreSQL schema ${schema} has schema version ${found}, but this Loom knows versions up to ${SCHEMA_VERSION}: upgrade Loom`,
      );
    }
    for (let version = found + 1; version <= SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1](schema));
      await client.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [version]);
    }
    await client.query("COMMIT");
    return found;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
