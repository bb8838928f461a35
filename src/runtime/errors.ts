/** Errors the embedding API raises, named for what the caller should do about them. */

/** The caller asked for something invalid (bad option, unknown thread, bad op). */
export class UserError extends Error {
  override readonly name = "UserError";
}

/** A turn ended with an `error` event (model failure, fatal stream error). */
export class TurnFailedError extends Error {
  override readonly name = "TurnFailedError";
  constructor(
    message: string,
    readonly turnId: string,
    readonly info?: unknown,
  ) {
    super(message);
  }
}

/** A turn ended with `turn_aborted` (interrupt, or an approval answered with abort). */
export class TurnAbortedError extends Error {
  override readonly name = "TurnAbortedError";
  constructor(
    readonly turnId: string,
    readonly reason: string,
  ) {
    super(`turn ${turnId} was aborted (${reason})`);
  }
}

/** An op was refused (Codex's error event for the submission), e.g. a rollback while a turn runs. */
export class OpRejectedError extends Error {
  override readonly name = "OpRejectedError";
  constructor(
    message: string,
    readonly submissionId: string,
    readonly info?: unknown,
  ) {
    super(message);
  }
}
