/** Why a rollout could not be imported or a thread exported. */
import type { RolloutLineError } from "./line.js";

/** The rollout holds no line we can import (empty, or every line skipped); no thread was created. */
export class EmptyRolloutError extends Error {
  override readonly name = "EmptyRolloutError";
  constructor(
    readonly source: string,
    readonly skipped: readonly RolloutLineError[],
  ) {
    super(
      skipped.length === 0
        ? `${source}: empty rollout, nothing to import`
        : `${source}: no importable line (${skipped.length} skipped)`,
    );
  }
}

/** The import stopped part way (the log refused a batch, or it was aborted); `imported` entries are in the thread. */
export class RolloutImportError extends Error {
  override readonly name = "RolloutImportError";
  constructor(
    readonly threadId: string,
    readonly imported: number,
    options: { cause: unknown },
  ) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`import into thread ${threadId} stopped after ${imported} entries: ${reason}`, options);
  }
}
