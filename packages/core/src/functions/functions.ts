/**
 * User function contracts (what job authors implement). The DataStream API re-exports them.
 * Plain functions and objects with the method both work; rich functions (../rich-functions) also get
 * open/close and a runtime context. All calls happen on the task's mailbox thread, one at a time.
 */

export interface Collector<T> {
  collect(value: T): void;
}

export interface MapFunction<IN, OUT> {
  map(value: IN): OUT;
}
export interface FlatMapFunction<IN, OUT> {
  flatMap(value: IN, out: Collector<OUT>): void;
}
export interface FilterFunction<T> {
  filter(value: T): boolean;
}
export interface ReduceFunction<T> {
  reduce(a: T, b: T): T;
}
export interface KeySelector<T, K> {
  getKey(value: T): K;
}
export interface SinkFunction<T> {
  invoke(value: T, context: SinkContext): void;
  /**
   * End of input (Flink's SinkFunction#finish): every record has been invoked; flush or commit what is
   * left. Not called when the task fails or is canceled (close() is).
   */
  finish?(): void | Promise<void>;
}
export interface SinkContext {
  timestamp(): number | undefined;
  currentWatermark(): number;
}

/** A typed side-output identifier; equal ids mean the same side output. */
export class OutputTag<T> {
  declare readonly __type?: T;
  constructor(readonly id: string) {
    if (!id) throw new Error('OutputTag id must not be empty');
  }
}

/**
 * Incremental aggregation (Flink's AggregateFunction): used by AggregatingState and window
 * aggregations. `add` and `merge` may mutate and return the accumulator they were given.
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

/**
 * What the API accepts for each user function: a plain function or an object with the method.
 * Objects are called through their bound method: V8 inlines a bound call, not a wrapping arrow.
 */
export type MapFunctionLike<IN, OUT> = MapFunction<IN, OUT> | ((value: IN) => OUT);
export type FlatMapFunctionLike<IN, OUT> = FlatMapFunction<IN, OUT> | ((value: IN, out: Collector<OUT>) => void);
export type FilterFunctionLike<T> = FilterFunction<T> | ((value: T) => boolean);
export type SinkFunctionLike<T> = SinkFunction<T> | ((value: T, context: SinkContext) => void);
export type ReduceFunctionLike<T> = ReduceFunction<T> | ((a: T, b: T) => T);
