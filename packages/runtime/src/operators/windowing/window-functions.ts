import { JobBuildError } from '../../errors';
import { AbstractRichFunction, type AggregateFunction, type Collector, type OutputTag, type ReduceFunction } from '../../functions';
import type { KeyedStateStore } from '../../state/keyed-state-store';
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

/** What the window operator calls when a window fires (Flink's InternalWindowFunction). */
export interface InternalWindowFunction<IN, OUT, KEY, W extends Window> {
  process(key: KEY, window: W, context: ProcessWindowContext<W>, input: Iterable<IN>, out: Collector<OUT>): void;
  clear(window: W, context: ProcessWindowContext<W>): void;
  /** The user functions behind it (for their rich life cycle). */
  readonly userFunctions: readonly unknown[];
}

/** Emits each value (reduce/aggregate without a window function). */
export function passThroughWindowFunction<T>(): InternalWindowFunction<T, T, unknown, Window> {
  return {
    process: (_k, _w, _c, input, out) => {
      for (const v of input) out.collect(v);
    },
    clear: () => {},
    userFunctions: [],
  };
}

type Kind = 'window' | 'process';

const SIGNATURES = {
  keyed: { window: 'apply(key, window, input, out)', process: 'process(key, context, elements, out)' },
  all: { window: 'apply(window, input, out)', process: 'process(context, elements, out)' },
} as const;

/**
 * Which kind of window function `f` is, by the rule above (`lambda`: the kind a plain function is at
 * this call site); `method` names the API call in the error for anything else.
 */
function kindOf(f: unknown, lambda: Kind, method: string, flavor: keyof typeof SIGNATURES): Kind {
  if (typeof f === 'function') return lambda;
  const o = typeof f === 'object' && f !== null ? (f as { apply?: unknown; process?: unknown }) : undefined;
  const hasApply = typeof o?.apply === 'function';
  const hasProcess = typeof o?.process === 'function';
  if (hasApply !== hasProcess) return hasApply ? 'window' : 'process';
  const got = !o ? (f === null ? 'null' : typeof f) : hasApply ? 'an object with both apply and process' : 'an object with neither apply nor process';
  const sig = SIGNATURES[flavor];
  throw new JobBuildError(
    `${method}: expected a WindowFunction (a plain function or an object with ${sig.window}) ` +
      `or a ProcessWindowFunction (an object with ${sig.process}), got ${got}`,
  );
}

function expectKind(f: unknown, lambda: Kind, method: string, flavor: keyof typeof SIGNATURES): void {
  const kind = kindOf(f, lambda, method, flavor);
  if (kind === lambda) return;
  throw new JobBuildError(
    kind === 'window'
      ? `${method} takes a ProcessWindowFunction; this object has apply, so it is a WindowFunction: pass it to apply() instead`
      : `${method} takes a WindowFunction; this object has process, so it is a ProcessWindowFunction: pass it to process() instead`,
  );
}

function processKeyed<IN, OUT, KEY, W extends Window>(f: ProcessWindowFunctionLike<IN, OUT, KEY, W>): InternalWindowFunction<IN, OUT, KEY, W> {
  if (typeof f === 'function') return { process: (k, _w, c, input, out) => f(k, c, input, out), clear: () => {}, userFunctions: [f] };
  return {
    process: (k, _w, c, input, out) => f.process(k, c, input, out),
    clear: (_w, c) => f.clear?.(c),
    userFunctions: [f],
  };
}

function windowKeyed<IN, OUT, KEY, W extends Window>(f: WindowFunctionLike<IN, OUT, KEY, W>): InternalWindowFunction<IN, OUT, KEY, W> {
  const apply: WindowFn<IN, OUT, KEY, W> = typeof f === 'function' ? f : f.apply.bind(f);
  return { process: (k, w, _c, input, out) => apply(k, w, input, out), clear: () => {}, userFunctions: [f] };
}

function processAll<IN, OUT, W extends Window>(f: ProcessAllWindowFunctionLike<IN, OUT, W>): InternalWindowFunction<IN, OUT, unknown, W> {
  if (typeof f === 'function') return { process: (_k, _w, c, input, out) => f(c, input, out), clear: () => {}, userFunctions: [f] };
  return {
    process: (_k, _w, c, input, out) => f.process(c, input, out),
    clear: (_w, c) => f.clear?.(c),
    userFunctions: [f],
  };
}

function windowAll<IN, OUT, W extends Window>(f: AllWindowFunctionLike<IN, OUT, W>): InternalWindowFunction<IN, OUT, unknown, W> {
  const apply: AllWindowFn<IN, OUT, W> = typeof f === 'function' ? f : f.apply.bind(f);
  return { process: (_k, w, _c, input, out) => apply(w, input, out), clear: () => {}, userFunctions: [f] };
}

/** `process(f)`: a plain function is a ProcessWindowFunction; an object with only `apply` is rejected. */
export function internalProcessWindowFunction<IN, OUT, KEY, W extends Window>(
  f: ProcessWindowFunctionLike<IN, OUT, KEY, W>,
  method = 'process()',
): InternalWindowFunction<IN, OUT, KEY, W> {
  expectKind(f, 'process', method, 'keyed');
  return processKeyed(f);
}

export function internalProcessAllWindowFunction<IN, OUT, W extends Window>(
  f: ProcessAllWindowFunctionLike<IN, OUT, W>,
  method = 'process()',
): InternalWindowFunction<IN, OUT, unknown, W> {
  expectKind(f, 'process', method, 'all');
  return processAll(f);
}

/** `apply(f)`: a plain function is a WindowFunction; an object with only `process` is rejected. */
export function internalWindowFunction<IN, OUT, KEY, W extends Window>(f: WindowFunctionLike<IN, OUT, KEY, W>, method = 'apply()'): InternalWindowFunction<IN, OUT, KEY, W> {
  expectKind(f, 'window', method, 'keyed');
  return windowKeyed(f);
}

export function internalAllWindowFunction<IN, OUT, W extends Window>(f: AllWindowFunctionLike<IN, OUT, W>, method = 'apply()'): InternalWindowFunction<IN, OUT, unknown, W> {
  expectKind(f, 'window', method, 'all');
  return windowAll(f);
}

/** The window function of `reduce(r, f)` / `aggregate(a, f)`: either kind; a plain function is a WindowFunction. */
export function internalWindowOrProcessFunction<IN, OUT, KEY, W extends Window>(
  f: WindowOrProcessWindowFunction<IN, OUT, KEY, W>,
  method: string,
): InternalWindowFunction<IN, OUT, KEY, W> {
  return kindOf(f, 'window', method, 'keyed') === 'window'
    ? windowKeyed(f as WindowFunctionLike<IN, OUT, KEY, W>)
    : processKeyed(f as ProcessWindowFunctionObject<IN, OUT, KEY, W>);
}

export function internalAllWindowOrProcessFunction<IN, OUT, W extends Window>(
  f: AllWindowOrProcessAllWindowFunction<IN, OUT, W>,
  method: string,
): InternalWindowFunction<IN, OUT, unknown, W> {
  return kindOf(f, 'window', method, 'all') === 'window'
    ? windowAll(f as AllWindowFunctionLike<IN, OUT, W>)
    : processAll(f as ProcessAllWindowFunctionObject<IN, OUT, W>);
}

export function reduceFn<T>(f: WindowReduceFunctionLike<T>): (a: T, b: T) => T {
  return typeof f === 'function' ? f : f.reduce.bind(f);
}
