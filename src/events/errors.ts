/** Errors raised when data crossing an edge (log, CLI, rollout, model) does not fit the vocabulary. */

/** A value's `type` tag is not one the vocabulary knows. */
export class UnknownTypeError extends Error {
  override readonly name = "UnknownTypeError";
  constructor(
    readonly what: string,
    readonly type: unknown,
    /** How the message names the tag ("event type", "entry kind"). */
    label = `${what} type`,
  ) {
    super(`unknown ${label} ${JSON.stringify(type)}`);
  }
}

/** A value has a known shape but fails its schema. */
export class SchemaError extends Error {
  override readonly name = "SchemaError";
  constructor(
    readonly what: string,
    readonly issues: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid ${what}: ${issues}`, options);
  }
}
