/** Errors the event log raises; each names the thread (and seq) it is about so a reader can act on it. */

/** `append` was told the head was `expected`, but another append had already moved it to `actual`. */
export class ConcurrencyError extends Error {
  override readonly name = "ConcurrencyError";
  constructor(
    readonly threadId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`thread ${threadId}: expected head seq ${expected}, but the head is at seq ${actual}`);
  }
}

export class ThreadNotFoundError extends Error {
  override readonly name = "ThreadNotFoundError";
  constructor(
    readonly threadId: string,
    action = "find",
  ) {
    super(`cannot ${action} thread ${JSON.stringify(threadId)}: no such thread in this log`);
  }
}

export class ThreadExistsError extends Error {
  override readonly name = "ThreadExistsError";
  constructor(readonly threadId: string) {
    super(`thread ${JSON.stringify(threadId)} already exists`);
  }
}

/** A thread id the key layout cannot hold (empty, or containing `!` or control characters). */
export class InvalidThreadIdError extends Error {
  override readonly name = "InvalidThreadIdError";
  constructor(readonly threadId: unknown) {
    super(`invalid thread id ${JSON.stringify(threadId)}: use a non-empty string without "!" or control characters`);
  }
}

/** An entry handed to `append` does not fit the vocabulary; nothing of that append was written. */
export class InvalidEntryError extends Error {
  override readonly name = "InvalidEntryError";
  constructor(
    readonly threadId: string,
    /** Position of the offending entry in the `entries` array passed to `append`. */
    readonly index: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`thread ${threadId}: entry ${index} of the append is invalid (nothing was written): ${reason}`, { cause });
  }
}

/** A seq argument outside what the thread holds (fork point beyond the head, snapshot past the head...). */
export class SeqOutOfRangeError extends Error {
  override readonly name = "SeqOutOfRangeError";
  constructor(
    readonly threadId: string,
    readonly seq: number,
    readonly headSeq: number,
    action: string,
  ) {
    super(`cannot ${action} thread ${threadId} at seq ${seq}: its head is at seq ${headSeq}`);
  }
}

/** A stored record failed to decode or validate, or is missing from a gapless range. */
export class CorruptEntryError extends Error {
  override readonly name = "CorruptEntryError";
  constructor(
    readonly threadId: string,
    readonly seq: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt log entry at thread ${threadId} seq ${seq}: ${reason}`, options);
  }
}

/** A stored thread record (id, parent, fork point, head) failed to decode. */
export class CorruptThreadError extends Error {
  override readonly name = "CorruptThreadError";
  constructor(
    readonly threadId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`corrupt record of thread ${threadId}: ${reason}`, options);
  }
}

/** The storage refused a batch; every append in it was rejected and the heads rolled back. */
export class LogWriteError extends Error {
  override readonly name = "LogWriteError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class LogClosedError extends Error {
  override readonly name = "LogClosedError";
  constructor(action: string, options?: { cause?: unknown }) {
    super(`cannot ${action}: the event log is closed`, options);
  }
}

/** LevelDB allows one process (and one open handle) per directory. */
export class LogLockedError extends Error {
  override readonly name = "LogLockedError";
  constructor(
    readonly dir: string,
    options?: { cause?: unknown },
  ) {
    super(`the event log at ${dir} is already open in another process or handle (LevelDB allows one writer per directory)`, options);
  }
}

/**
 * Another worker holds the lease on the thread (a backend shared by many processes): it alone may
 * write to it until it releases the lease or the lease expires.
 */
export class ThreadBusyError extends Error {
  override readonly name = "ThreadBusyError";
  constructor(
    readonly threadId: string,
    /** The worker holding the lease, as it named itself. */
    readonly owner: string,
    readonly expiresAt: Date,
    options?: { cause?: unknown },
  ) {
    super(
      `thread ${threadId} is owned by worker ${JSON.stringify(owner)} until ${expiresAt.toISOString()} (its lease); ` +
        "another worker can take it over once that lease expires",
      options,
    );
  }
}

/**
 * This worker's lease on the thread expired or was taken over (it was paused, partitioned, or lost
 * the database for longer than the lease): its appends are refused so it can never write again.
 */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
  constructor(
    readonly threadId: string,
    readonly owner: string,
    readonly token: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`thread ${threadId}: worker ${JSON.stringify(owner)} lost its lease (token ${token}): ${reason}; nothing more is written`, options);
  }
}

/** The database could not be reached; an append that fails this way may or may not have been written. */
export class LogUnavailableError extends Error {
  override readonly name = "LogUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The database holds a schema this version of Loom does not know (written by a newer Loom). */
export class SchemaVersionError extends Error {
  override readonly name = "SchemaVersionError";
}
