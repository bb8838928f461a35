/**
 * The network filter a sandbox installs when its policy has no network (Codex `landlock.rs`,
 * `install_network_seccomp_filter_on_current_thread`, restricted mode): a classic BPF program that
 * makes every socket operation but local `AF_UNIX` pairs fail with EPERM, and denies ptrace and
 * io_uring. bubblewrap loads it (`--seccomp FD`) right before it runs the command.
 *
 * The network namespace alone already cuts the host's network; the filter is what makes the failure
 * say "Operation not permitted" (so a denial is recognised), and what also closes Unix sockets
 * reachable through the filesystem (a Docker or database socket), as Codex does.
 *
 * One departure from Codex's list: `getsockname`, `getpeername` and `getsockopt` stay allowed.
 * Node gives a child socketpairs, not pipes, for its stdout and stderr, and programs that look at
 * their stdout (Node itself) print nothing when those queries fail. They only describe sockets a
 * process already has; every way to open or reach a new one stays closed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, openSync, closeSync, writeSync, readFileSync, renameSync, lstatSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Syscall numbers of one architecture, and its `AUDIT_ARCH_*` value as seccomp reports it. */
interface Arch {
  audit: number;
  /** Denied outright. */
  deny: number[];
  /** Allowed only for `AF_UNIX` (their first argument is the address family). */
  unixOnly: number[];
  /** x86_64's x32 ABI marks its syscall numbers with this bit; they are denied. */
  x32Bit?: number;
}

const ARCHES: Record<string, Arch> = {
  x64: {
    audit: 0xc000003e,
    // ptrace, io_uring_{setup,enter,register}, connect, accept, accept4, bind, listen,
    // shutdown, sendto, sendmmsg, recvmmsg, setsockopt.
    deny: [101, 425, 426, 427, 42, 43, 288, 49, 50, 48, 44, 307, 299, 54],
    unixOnly: [41, 53], // socket, socketpair
    x32Bit: 0x40000000,
  },
  arm64: {
    audit: 0xc00000b7,
    deny: [117, 425, 426, 427, 203, 202, 242, 200, 201, 210, 206, 269, 243, 208],
    unixOnly: [198, 199],
  },
};

const AF_UNIX = 1;
const EPERM = 1;
// BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const RET_KILL_PROCESS = 0x80000000;
// Offsets in `struct seccomp_data`: nr, arch, then args (the low word of args[0] on little endian).
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0 = 16;

type Instruction = [code: number, jt: number, jf: number, k: number];

/** Whether Loom has a network filter for this CPU (Node's `process.arch`). */
export function seccompSupported(arch: string = process.arch): boolean {
  return arch in ARCHES;
}

/** The filter as bytes (`struct sock_filter[]`), ready for `bwrap --seccomp`. */
export function networkSeccompProgram(arch: string = process.arch): Buffer {
  const spec = ARCHES[arch];
  if (!spec) throw new Error(`no seccomp network filter for architecture ${arch}`);
  const program: Instruction[] = [];
  const denied: Instruction = [RET_K, 0, 0, RET_ERRNO | EPERM];
  // A syscall made through another ABI (32-bit entry points) would bypass the numbers below.
  program.push([LD_W_ABS, 0, 0, OFFSET_ARCH], [JEQ_K, 1, 0, spec.audit], [RET_K, 0, 0, RET_KILL_PROCESS]);
  program.push([LD_W_ABS, 0, 0, OFFSET_NR]);
  if (spec.x32Bit !== undefined) program.push([JGE_K, 0, 1, spec.x32Bit], denied);
  for (const nr of spec.deny) program.push([JEQ_K, 0, 1, nr], denied);
  for (const nr of spec.unixOnly) {
    // Not this syscall: skip the four instructions of its check (the accumulator still holds nr).
    program.push([JEQ_K, 0, 4, nr], [LD_W_ABS, 0, 0, OFFSET_ARG0], [JEQ_K, 0, 1, AF_UNIX], [RET_K, 0, 0, RET_ALLOW], denied);
  }
  program.push([RET_K, 0, 0, RET_ALLOW]);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return bytes;
}

/** Where the filter file lives; sandboxes mount this directory read-only so no command can swap it. */
export function seccompDir(base: string = tmpdir()): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  return join(base, `loom-sandbox-${uid}`);
}

let cached: { path: string; bytes: Buffer } | undefined;

/**
 * The filter written to a file only this user can write, named by its content. It is checked
 * again before each use: a command that ran unconfined could have replaced it.
 */
export function seccompFile(base?: string): string {
  const bytes = cached?.bytes ?? networkSeccompProgram();
  const dir = seccompDir(base);
  const path = join(dir, `network-${process.arch}-${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}.bpf`);
  if (cached?.path === path && sameBytes(path, bytes)) return path;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const info = lstatSync(dir);
  const uid = typeof process.getuid === "function" ? process.getuid() : info.uid;
  // Another user could have made the directory first, to feed us a filter of their own.
  if (!info.isDirectory() || info.uid !== uid) throw new Error(`${dir} is not a directory owned by this user`);
  if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  if (!sameBytes(path, bytes)) {
    const temp = `${path}.${process.pid}.tmp`;
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  }
  cached = { path, bytes };
  return path;
}

function sameBytes(path: string, bytes: Buffer): boolean {
  try {
    return readFileSync(path).equals(bytes);
  } catch {
    return false;
  }
}
