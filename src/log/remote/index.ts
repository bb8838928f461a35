/** Reading a LevelDB log that another process holds: its read endpoint and the read-only client. */

/** Where a log's endpoint listens: `<log dir>.sock`, or a private per-user dir for long paths. */
export { endpointPath } from "./path.js";
export type { EndpointPath } from "./path.js";
/** The endpoint the holding process runs: `await LogEndpoint.listen(log, dir, { version })`. */
export { LogEndpoint } from "./server.js";
export type { LogEndpointOptions } from "./server.js";
/** The read-only `EventLog` over an endpoint: `await RemoteEventLog.connect(path)`. */
export { RemoteEventLog, ReadOnlyLogError, RemoteLogError } from "./client.js";
/** The wire format (JSON lines), for other clients of the endpoint. */
export { PROTOCOL_VERSION, Request, Hello } from "./protocol.js";
