import { AbstractRichFunction, type AggregateFunction, type Collector, type OutputTag, type ReduceFunction } from '../../functions';
import type { KeyedStateStore } from '../../state/keyed-state-store';
import type { Window } from './windows';

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

/** A ProcessWindowFunction subclass, any object with `process` (and optional `clear`), or a plain function. */
export type ProcessWindowFunctionLike<IN, OUT, KEY, W extends Window> =
  | ProcessWindowFunction<IN, OUT, KEY, W>
  | { process: ProcessWindowFn<IN, OUT, KEY, W>; clear?(context: ProcessWindowContext<W>): void }
  | ProcessWindowFn<IN, OUT, KEY, W>;

export type ProcessAllWindowFunctionLike<IN, OUT, W extends Window> =
  | ProcessAllWindowFunction<IN, OUT, W>
  | { process: ProcessAllWindowFn<IN, OUT, W>; clear?(context: ProcessWindowContext<W>): void }
  | ProcessAllWindowFn<IN, OUT, W>;

/** Flink's (legacy) WindowFunction. */
export interface WindowFunction<IN, OUT, KEY, W extends Window> {
  apply(key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>): void;
}
export type WindowFunctionLike<IN, OUT, KEY, W extends Window> = WindowFunction<IN, OUT, KEY, W> | ((key: KEY, window: W, input: Iterable<IN>, out: Collector<OUT>) => void);

export interface AllWindowFunction<IN, OUT, W extends Window> {
  apply(window: W, input: Iterable<IN>, out: Collector<OUT>): void;
}
export type AllWindowFunctionLike<IN, OUT, W extends Window> = AllWindowFunction<IN, OUT, W> | ((window: W, input: Iterable<IN>, out: Collector<OUT>) => void);

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

export function internalProcessWindowFunction<IN, OUT, KEY, W extends Window>(f: ProcessWindowFunctionLike<IN, OUT, KEY, W>): InternalWindowFunction<IN, OUT, KEY, W> {
  if (typeof f === 'function') return { process: (k, _w, c, input, out) => f(k, c, input, out), clear: () => {}, userFunctions: [f] };
  return {
    process: (k, _w, c, input, out) => f.process(k, c, input, out),
    clear: (_w, c) => f.clear?.(c),
    userFunctions: [f],
  };
}

export function internalProcessAllWindowFunction<IN, OUT, W extends Window>(f: ProcessAllWindowFunctionLike<IN, OUT, W>): InternalWindowFunction<IN, OUT, unknown, W> {
  if (typeof f === 'function') return { process: (_k, _w, c, input, out) => f(c, input, out), clear: () => {}, userFunctions: [f] };
  return {
    process: (_k, _w, c, input, out) => f.process(c, input, out),
    clear: (_w, c) => f.clear?.(c),
    userFunctions: [f],
  };
}

export function internalWindowFunction<IN, OUT, KEY, W extends Window>(f: WindowFunctionLike<IN, OUT, KEY, W>): InternalWindowFunction<IN, OUT, KEY, W> {
  const apply = typeof f === 'function' ? f : f.apply.bind(f);
  return { process: (k, w, _c, input, out) => apply(k, w, input, out), clear: () => {}, userFunctions: [f] };
}

export function internalAllWindowFunction<IN, OUT, W extends Window>(f: AllWindowFunctionLike<IN, OUT, W>): InternalWindowFunction<IN, OUT, unknown, W> {
  const apply = typeof f === 'function' ? f : f.apply.bind(f);
  return { process: (_k, w, _c, input, out) => apply(w, input, out), clear: () => {}, userFunctions: [f] };
}

export function reduceFn<T>(f: WindowReduceFunctionLike<T>): (a: T, b: T) => T {
  return typeof f === 'function' ? f : f.reduce.bind(f);
}
