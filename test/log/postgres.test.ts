/** The shared EventLog contract, unchanged, against PostgreSQL (a real server the test starts). */
import { afterAll, beforeAll } from "vitest";
import { PostgresEventLog } from "../../src/log/postgres/index.js";
import { startPostgres, type PostgresServer } from "../support/postgres.js";
import { eventLogContract } from "./contract.js";

let server: PostgresServer;
let url: string;
let schemas = 0;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

// A fresh schema per test: each gets an empty log, created and migrated by the log itself.
eventLogContract("PostgreSQL", async (options) => PostgresEventLog.open(url, { ...options, schema: `contract_${++schemas}` }));
