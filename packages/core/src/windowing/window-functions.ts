import { AbstractRichFunction } from '../rich-functions/rich-functions';
import type { AggregateFunction, Collector, OutputTag, ReduceFunction } from '../functions/functions';
import type { KeyedStateStore } from '../state/keyed-state-store';
import type { Window } from './windows';

/*
 * Window functions come in two kinds, as in Flink, and each is called with the arguments its type
 * promises:
 *
 * - WindowFunction `apply(key, window, input, out)` (AllWindowFunction `apply(window, input, out)`):
 *   the window itself (`window.start`, `window.end` of a TimeWindow).
 * - ProcessWindowFunction `process(key, context, elements, out)` (ProcessAllWindowFunction
 *   `process(context, elements, out)`): `context.window()`, time, per-window state, side outputs.
 *
 * The rule for telling them apart: a plain function (a lambda) is a WindowFunction wherever both kinds
 * are accepted (the second argument of `reduce` and `aggregate`), as in Flink, where only a
 * WindowFunction can be a lambda; `process(f)` takes a plain function as a ProcessWindowFunction and
 * `apply(f)` as a WindowFunction, as their names say. An object is a WindowFunction when it has
 * `apply` and a ProcessWindowFunction when it has `process` (a ProcessWindowFunction subclass, or
 * `{ process(key, context, elements, out) {...} }`). The API's overloads say the same, so a lambda
 * whose parameters are annotated for the other kind does not compile; job files bundled without a
 * type check get the same meaning at run time, and an object with both or neither method fails job
 * building.
 */

/** What a ProcessWindowFunction sees besides the elements (Flink's ProcessWindowFunction.Context). */
export interface ProcessWindowContext<W extends Window> {
  window(): W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State of the current key scoped to this window (cleared by you in `clear`). */
  windowState(): KeyedStateStore;
  /** State of the current key shared by all its windows. */
  globalState(): KeyedStateStore;
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Flink's ProcessWindowFunction; `clear` runs when a window is purged for good (after lateness). */
export abstract class ProcessWindowFunction<IN, OUT, KEY, W extends Window> extends AbstractRichFunction {
  abstract process(key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;
  clear(_context: ProcessWindowContext<W>): void {}
}

/** Flink's ProcessAllWindowFunction (windowAll: no key). */
export abstract class ProcessAllWindowFunction<IN, OUT, W extends Window> extends AbstractRichFunction {
  abstract process(context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>): void;
  clear(_context: ProcessWindowContext<W>): void {}
}

export type ProcessWindowFn<IN, OUT, KEY, W extends Window> = (key: KEY, context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void;
export type ProcessAllWindowFn<IN, OUT, W extends Window> = (context: ProcessWindowContext<W>, elements: Iterable<IN>, out: Collector<OUT>) => void;

/** A ProcessWindowFunction as an object: a subclass, or any object with `process` (and optional `clear`). */
export type ProcessWindowFunctionObject<IN, OUT, KEY, W extends Window> =
  | ProcessWindowFunction<IN, OUT, KEY, W>
  | { process: ProcessWindowFn<IN, OUT, KEY, W>; clear?(context: ProcessWindowContext<W>): void };

export type ProcessAllWindowFunctionObject<IN, OUT, W extends Window> =
  | ProcessAllWindowFunction<IN, OUT, W>
  | { process: ProcessAllWindowFn<IN, OUT, W>; clear?(context: ProcessWindowContext<W>): void };

/** What `process(f)` takes: a ProcessWindowFunction object, or a plain function called as one. */
export type ProcessWindowFunctionLike<IN, OUT, KEY, W extends Window> = ProcessWindowFunctionObject<IN, OUT, KEY, W> | ProcessWindowFn<IN, OUT, KEY, W>;
export type ProcessAllWindowFunctionLike<IN, OUT, W extends Window> = ProcessAllWindowFunctionObject<IN, OUT, W> | ProcessAllWindowFn<IN, OUT, W>;

/** Flink's WindowFunction: the key, the window and its contents. */
export interface WindowFunction<IN, OUT, KEY, W extends Window> {
  apply(key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>): void;
}
/** Flink's AllWindowFunction (windowAll: no key). */
export interface AllWindowFunction<IN, OUT, W extends Window> {
  apply(window: W, input: Iterable<IN>, out: Collector<OUT>): void;
}

/** A WindowFunction as a plain function: what a lambda given to a window function parameter is. */
export type WindowFn<IN, OUT, KEY, W extends Window> = (key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>) => void;
export type AllWindowFn<IN, OUT, W extends Window> = (window: W, input: Iterable<IN>, out: Collector<OUT>) => void;

/**
 * Keeps functions out of an object type whose only member is `apply`: every function has
 * Function.prototype.apply, so without this any lambda would type-check as a WindowFunction object.
 */
export type NotAFunction = { readonly call?: never };

/** A WindowFunction object (an object with `apply`), never a plain function. */
export type WindowFunctionObject<IN, OUT, KEY, W extends Window> = WindowFunction<IN, OUT, KEY, W> & NotAFunction;
export type AllWindowFunctionObject<IN, OUT, W extends Window> = AllWindowFunction<IN, OUT, W> & NotAFunction;

/** What `apply(f)` takes: a WindowFunction object or a plain function called as one. */
export type WindowFunctionLike<IN, OUT, KEY, W extends Window> = WindowFunctionObject<IN, OUT, KEY, W> | WindowFn<IN, OUT, KEY, W>;
export type AllWindowFunctionLike<IN, OUT, W extends Window> = AllWindowFunctionObject<IN, OUT, W> | AllWindowFn<IN, OUT, W>;

/** What `reduce(r, f)` and `aggregate(a, f)` take: either kind; a plain function is a WindowFunction. */
export type WindowOrProcessWindowFunction<IN, OUT, KEY, W extends Window> =
  | WindowFunctionLike<IN, OUT, KEY, W>
  | ProcessWindowFunctionObject<IN, OUT, KEY, W>;
export type AllWindowOrProcessAllWindowFunction<IN, OUT, W extends Window> =
  | AllWindowFunctionLike<IN, OUT, W>
  | ProcessAllWindowFunctionObject<IN, OUT, W>;

export type AggregateFunctionLike<IN, ACC, OUT> = AggregateFunction<IN, ACC, OUT>;
export type WindowReduceFunctionLike<T> = ReduceFunction<T> | ((a: T, b: T) => T);
