/** `loom serve`: the HTTP API over a runtime, its live event stream, and the inspector's files. */

/** `startServer({ runtime, token, host?, port? })`: listen; `close()` ends streams and connections. */
export { startServer, toApiError } from "./server.js";
export type { ServeOptions, LoomServer } from "./server.js";
/** The bearer token: `newToken()`, `tokenFromEnv(env)` (LOOM_SERVE_TOKEN or a random one). */
export { newToken, tokenFromEnv } from "./auth.js";
/** What the API answers with when it refuses a request. */
export { ApiError, BadRequestError, UnauthorizedError, NotFoundError } from "./errors.js";
/** The API's routes and page sizes (for clients and docs). */
export { ROUTES, DEFAULT_PAGE, MAX_PAGE } from "./api.js";
/** One entry as a timeline row. */
export { summarizeEntry, entryType } from "./summary.js";
export type { EntrySummary } from "./summary.js";
/** The state and diff views the API returns. */
export { stateView, diffStates, turnViews } from "./state-view.js";
export type { StateDiff, TurnView } from "./state-view.js";
/** Which threads are open in the server; the thread list with forks and sub-agent links. */
export { ThreadHub, spawnLink } from "./threads.js";
export type { ThreadSummary } from "./threads.js";
/** Where the built inspector is looked for. */
export { DEFAULT_INSPECTOR_DIR } from "./static.js";
