/** The RxJS bus: validate, append to the log (write-ahead), then publish. */
export { ThreadBus, BusClosedError } from "./thread-bus.js";
export type { RecordOptions, RecordOrder } from "./thread-bus.js";
