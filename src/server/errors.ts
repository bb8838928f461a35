/** The errors an API handler throws; each carries the HTTP status the client gets and says what was wrong. */

/** A request the API refuses: the status and a one-line message go back as `{ error }`. */
export class ApiError extends Error {
  override readonly name: string = "ApiError";
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** 400: the query, path or body is malformed; the message names the field. */
export class BadRequestError extends ApiError {
  override readonly name = "BadRequestError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, message, options);
  }
}

/** 401: no token, or not the server's token. */
export class UnauthorizedError extends ApiError {
  override readonly name = "UnauthorizedError";
  constructor(message = "missing or wrong token: send Authorization: Bearer <token> (printed by loom serve, or LOOM_SERVE_TOKEN)") {
    super(401, message);
  }
}

/** 404: no such thread or route. */
export class NotFoundError extends ApiError {
  override readonly name = "NotFoundError";
  constructor(message: string) {
    super(404, message);
  }
}
