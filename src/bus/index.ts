/** The RxJS bus: validate, append to the log (write-ahead), then publish. */
export { ThreadBus, BusClosedError } from "./thread-bus.js";
/** The RxJS pieces Loom uses, each from its own module (`import from "rxjs"` loads every operator on Node). */
export { Observable, Subject, firstValueFrom, merge, filter, map, take } from "./rx.js";
export type { Subscription } from "./rx.js";
export type { RecordOptions, RecordOrder } from "./thread-bus.js";
