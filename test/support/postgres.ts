/**
 * A real PostgreSQL server for tests and benchmarks: the installed binaries (Debian's `postgresql`,
 * found under /usr/lib/postgresql/<version>/bin, or `LOOM_PG_BIN`), a data directory in a temp dir,
 * a free port on 127.0.0.1, stopped (and its directory removed) by `stop()`.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the `postgres`
 * system user (or `nobody`). It is started under `setpriv --pdeathsig`, so a test process that dies
 * without stopping it takes the server down with it. `initdb` runs once per machine into a template
 * directory that each server copies (a copy is ~20x faster than an initdb).
 *
 * Usage: `const pg = await startPostgres(); const url = await pg.createDatabase(); ...; await pg.stop();`
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, rename, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface PostgresServer {
  /** Connection URL of the server's `postgres` database (superuser `loom`, trust auth, 127.0.0.1). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server ("fast": clients are disconnected; "immediate": no checkpoint, like a crash) and starts it again on the same port. */
  restart(mode?: StopMode): Promise<void>;
  /** Stops the server without removing its data (for a later `start()`). */
  halt(mode?: StopMode): Promise<void>;
  /** Starts a halted server again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export type StopMode = "fast" | "immediate";

export interface StartPostgresOptions {
  /** Extra `-c name=value` settings (default: fsync on, as in production). */
  settings?: Record<string, string>;
  /** How long to wait for "ready to accept connections" (default 60 s). */
  readyTimeoutMs?: number;
}

const USER = "loom";
let databases = 0;

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findBinaries();
  const runAs = serverUser();
  const root = await mkdtemp(join(tmpdir(), "loom-pg-"));
  const dataDir = join(root, "data");
  try {
    // `cp -a` keeps the owner and modes PostgreSQL checks, and is far faster than fs.cp here.
    await run("cp", ["-a", await templateDir(bin, runAs), dataDir], undefined);
    if (runAs) await chown(root, runAs.uid, runAs.gid);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const settings = { max_connections: "300", ...options.settings };
  let port = 0;
  let proc: ChildProcess | undefined;
  let stopped = false;

  const launch = async (fixedPort?: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      port = fixedPort ?? (await freePort());
      try {
        proc = await spawnServer(bin, runAs, dataDir, port, settings, options.readyTimeoutMs ?? 60_000);
        return;
      } catch (error) {
        // Another process took the port between our probe and the bind: try another one.
        if (fixedPort === undefined && attempt < 5 && /could not bind|Address already in use/i.test(String(error))) continue;
        throw error;
      }
    }
  };

  const halt = async (mode: StopMode = "fast"): Promise<void> => {
    const running = proc;
    proc = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill(mode === "fast" ? "SIGINT" : "SIGQUIT");
    const timer = setTimeout(() => running.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    dataDir,
    async createDatabase(name = `loom_test_${process.pid}_${++databases}`) {
      const client = new pg.Client(url);
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://${USER}@127.0.0.1:${port}/${name}`;
    },
    halt,
    start: () => launch(port),
    async restart(mode: StopMode = "fast") {
      await halt(mode);
      await launch(port);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await halt("fast");
      await rm(root, { recursive: true, force: true });
    },
  };
}

interface Binaries {
  dir: string;
  version: string;
}

/** `LOOM_PG_BIN`, else the newest /usr/lib/postgresql/<version>/bin, else `pg_config --bindir`. */
function findBinaries(): Binaries {
  const candidates: string[] = [];
  if (process.env.LOOM_PG_BIN) candidates.push(process.env.LOOM_PG_BIN);
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, "bin")));
  }
  try {
    candidates.push(execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim());
  } catch {
    // no pg_config on the PATH
  }
  const dir = candidates.find((candidate) => existsSync(join(candidate, "postgres")) && existsSync(join(candidate, "initdb")));
  if (!dir) {
    throw new Error("PostgreSQL server binaries not found: install Debian's `postgresql` package (bash .ci/run does) or set LOOM_PG_BIN");
  }
  const version = execFileSync(join(dir, "postgres"), ["--version"], { encoding: "utf8" }).trim();
  return { dir, version };
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** As root, the unprivileged user the server runs as; otherwise undefined (run as ourselves). */
function serverUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n").map((line) => line.split(":"));
  for (const name of ["postgres", "nobody"]) {
    const row = passwd.find((fields) => fields[0] === name);
    if (row) return { name, uid: Number(row[2]), gid: Number(row[3]) };
  }
  throw new Error("running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as");
}

/** An initdb'd data directory shared by every server on this machine (made once, atomically). */
async function templateDir(bin: Binaries, runAs: RunAs | undefined): Promise<string> {
  const key = `${bin.version.replace(/\W+/g, "_")}_${runAs?.uid ?? process.getuid?.() ?? "u"}`;
  const template = join(tmpdir(), `loom-pg-template-${key}`);
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const work = await mkdtemp(join(tmpdir(), "loom-pg-initdb-"));
  try {
    if (runAs) await chown(work, runAs.uid, runAs.gid);
    const dir = join(work, "data");
    await run(join(bin.dir, "initdb"), ["-D", dir, "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], runAs);
    try {
      await rename(dir, template);
    } catch (error) {
      // Another test process made it first: use theirs.
      if (!existsSync(join(template, "PG_VERSION"))) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return template;
}

function withUser(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

function run(file: string, args: string[], runAs: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...withUser(runAs), stdio: ["ignore", "ignore", "pipe"], cwd: "/" });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}: ${stderr.trim()}`))));
  });
}

/** Starts the postmaster and resolves once its log says it accepts connections. */
function spawnServer(
  bin: Binaries,
  runAs: RunAs | undefined,
  dataDir: string,
  port: number,
  settings: Record<string, string>,
  timeoutMs: number,
): Promise<ChildProcess> {
  const args = ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
  for (const [name, value] of Object.entries(settings)) args.push("-c", `${name}=${value}`);
  const postgres = join(bin.dir, "postgres");
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));
  const [file, argv] = setpriv ? [setpriv, ["--pdeathsig", "INT", "--", postgres, ...args]] : [postgres, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { ...withUser(runAs), stdio: ["ignore", "ignore", "pipe"], cwd: "/" });
    let log = "";
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGQUIT");
      reject(new Error(`PostgreSQL did not become ready within ${timeoutMs} ms:\n${log.slice(-2000)}`));
    }, timeoutMs);
    child.stderr!.on("data", (chunk: Buffer) => {
      if (ready) return; // drained, not kept: a long test must not grow this string
      log += chunk.toString();
      if (log.includes("database system is ready to accept connections")) {
        ready = true;
        log = "";
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (${signal ?? code}) before it was ready:\n${log.slice(-2000)}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
