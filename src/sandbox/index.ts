/** How a command is confined: policy -> the argv to exec (bubblewrap on Linux), denials, the no-sandbox fallback. */

/** `probeHostSandbox()`: is bwrap there and able to build Loom's sandbox; how unconfined commands die with Loom (cached). */
export { probeHostSandbox, forgetHostSandbox, findExecutable, platformSandboxOf } from "./probe.js";
export type { HostSandbox, SandboxAvailability, Lifetime, ProbeOptions } from "./probe.js";
/** `probeSandboxAvailability()`: the bwrap half of the probe alone (what a session announces), cached per process. */
export { probeSandboxAvailability, knownSandboxAvailability } from "./probe.js";
/** `keptSandboxAvailability({ file })`: that verdict kept in the data dir per host fingerprint, so opening a thread starts no process. */
export { keptSandboxAvailability, hostFingerprint } from "./probe-cache.js";
export type { KeptAvailabilityOptions } from "./probe-cache.js";
/** `wrapCommand(options)`: the argv, env and cwd that run a command under a policy (or unconfined, tied to Loom's life). */
export { wrapCommand, lifetimeArgv, policyNeedsSandbox, SandboxUnavailableError, NETWORK_DISABLED_ENV_VAR } from "./launch.js";
export type { WrapOptions, Launch } from "./launch.js";
/** `bwrapArgs(input)`: bubblewrap's mounts and namespaces for a set of writable roots. */
export { bwrapArgs, isWithin, canonicalTargetIfSymlinked, SandboxSetupError, PLATFORM_DEFAULT_READ_ROOTS } from "./bwrap.js";
export type { BwrapInput, BwrapArgs } from "./bwrap.js";
/** `isLikelySandboxDenied(output)`: Codex's guess that a confined command failed because of the sandbox. */
export { isLikelySandboxDenied } from "./denial.js";
export type { DenialInput } from "./denial.js";
/** Which sandbox a call gets; why a policy is unprotected here; what a session reports. */
export { selectSandbox, missingSandboxReason, sandboxInForce, describeSandbox } from "./select.js";
/** The network seccomp filter bubblewrap loads. */
export { networkSeccompProgram, seccompSupported, seccompFile, seccompDir } from "./seccomp.js";
/** Resolving where a write really lands (symlinks, `..`), and reading files with a size limit. */
export { resolveWriteTarget, readRegularFile, MAX_READ_BYTES, NotARegularFileError, FileTooLargeError } from "./paths.js";
export type { WriteTarget } from "./paths.js";
