/**
 * The RxJS pieces Loom uses, each from its own module. On Node, `import ... from "rxjs"` loads the
 * CommonJS index and with it every operator rxjs has (about 220 files: the largest part of Loom's
 * start-up). rxjs exports its `internal/*` modules for exactly this; the classes are the same ones
 * the index re-exports, so an embedder's `rxjs` operators work on Loom's observables unchanged.
 */
export { Observable } from "rxjs/internal/Observable";
export { Subject } from "rxjs/internal/Subject";
export { firstValueFrom } from "rxjs/internal/firstValueFrom";
export { merge } from "rxjs/internal/observable/merge";
export { filter } from "rxjs/internal/operators/filter";
export { map } from "rxjs/internal/operators/map";
export { take } from "rxjs/internal/operators/take";
export type { Subscription } from "rxjs";
