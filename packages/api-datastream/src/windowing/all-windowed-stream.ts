import type {
  AggregateFunction,
  AllWindowFn,
  AllWindowFunctionLike,
  AllWindowFunctionObject,
  AllWindowOrProcessAllWindowFunction,
  DurationLike,
  Evictor,
  OutputTag,
  ProcessAllWindowFunctionLike,
  ProcessAllWindowFunctionObject,
  Trigger,
  Window,
  WindowAssigner,
  WindowReduceFunctionLike,
} from '@flott/core';
import {
  aggregateFold,
  aggregatingContents,
  identityFold,
  internalAllWindowFunction,
  internalAllWindowOrProcessFunction,
  internalProcessAllWindowFunction,
  listContents,
  passThroughWindowFunction,
  reduceFn,
  reduceFold,
  reducingContents,
  type InternalWindowFunction,
} from '@flott/runtime/internal';
import type { DataStream, SingleOutputStreamOperator } from '../data-stream';
import { WindowedStream } from './windowed-stream';

/**
 * A non-keyed stream cut into windows (Flink's AllWindowedStream). As in Flink, the window
 * operator runs with parallelism 1: every element goes through one subtask.
 *
 * Window functions follow WindowedStream's rule without the key: `apply(f)` takes an
 * AllWindowFunction `(window, input, out)`, `process(f)` a ProcessAllWindowFunction
 * `(context, elements, out)`; in `reduce(r, f)` and `aggregate(a, f)` a plain function is an
 * AllWindowFunction, and a ProcessAllWindowFunction is a subclass or an object with `process`.
 */
export class AllWindowedStream<T, W extends Window> {
  private readonly windowed: WindowedStream<T, number, W>;

  /** @internal Created by `DataStream.windowAll`. */
  constructor(input: DataStream<T>, assigner: WindowAssigner<T, W>) {
    this.windowed = new WindowedStream<T, number, W>(input.keyBy(() => 0), assigner);
  }

  trigger(trigger: Trigger<T, W>): this {
    this.windowed.trigger(trigger);
    return this;
  }
  evictor(evictor: Evictor<T, W>): this {
    this.windowed.evictor(evictor);
    return this;
  }
  /** Event time: elements up to `lateness` (milliseconds or a Duration) behind a window's end still update it. */
  allowedLateness(lateness: DurationLike): this {
    this.windowed.allowedLateness(lateness);
    return this;
  }
  sideOutputLateData(tag: OutputTag<T>): this {
    this.windowed.sideOutputLateData(tag);
    return this;
  }

  reduce(reducer: WindowReduceFunctionLike<T>): SingleOutputStreamOperator<T>;
  /** A plain function is an AllWindowFunction: `(window, input, out)`. */
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction: AllWindowFn<T, R, W>): SingleOutputStreamOperator<R>;
  /** An object with `apply` (AllWindowFunction) or with `process` (ProcessAllWindowFunction). */
  reduce<R>(
    reducer: WindowReduceFunctionLike<T>,
    windowFunction: AllWindowFunctionObject<T, R, W> | ProcessAllWindowFunctionObject<T, R, W>,
  ): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction?: AllWindowOrProcessAllWindowFunction<T, R, W>): SingleOutputStreamOperator<R> {
    const reduce = reduceFn(reducer);
    return this.nonParallel(this.windowed.build('Reduce', reducingContents(reduce), reduceFold(reduce), this.fnOf<T, R>(windowFunction, 'reduce()'), [reducer]));
  }

  aggregate<ACC, V>(f: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  /** A plain function is an AllWindowFunction: `(window, input, out)`. */
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction: AllWindowFn<V, R, W>): SingleOutputStreamOperator<R>;
  /** An object with `apply` (AllWindowFunction) or with `process` (ProcessAllWindowFunction). */
  aggregate<ACC, V, R>(
    f: AggregateFunction<T, ACC, V>,
    windowFunction: AllWindowFunctionObject<V, R, W> | ProcessAllWindowFunctionObject<V, R, W>,
  ): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction?: AllWindowOrProcessAllWindowFunction<V, R, W>): SingleOutputStreamOperator<R> {
    return this.nonParallel(this.windowed.build('Aggregate', aggregatingContents(f), aggregateFold(f), this.fnOf<V, R>(windowFunction, 'aggregate()'), [f]));
  }

  /** All elements of a window: a ProcessAllWindowFunction (subclass or object with `process`) or a plain function `(context, elements, out)`. */
  process<R>(f: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    const fn = internalProcessAllWindowFunction(f) as InternalWindowFunction<T, R, number, W>;
    return this.nonParallel(this.windowed.build('Process', listContents<T>(), identityFold<T>(), fn, []));
  }

  /** All elements of a window: an AllWindowFunction (object with `apply`) or a plain function `(window, input, out)`. */
  apply<R>(f: AllWindowFn<T, R, W>): SingleOutputStreamOperator<R>;
  // Two overloads, not a union: in a union with a function type, an object literal's `apply` loses its parameter types.
  apply<R>(f: AllWindowFunctionObject<T, R, W>): SingleOutputStreamOperator<R>;
  apply<R>(f: AllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    const fn = internalAllWindowFunction(f) as InternalWindowFunction<T, R, number, W>;
    return this.nonParallel(this.windowed.build('Apply', listContents<T>(), identityFold<T>(), fn, []));
  }

  private fnOf<IN, R>(f: AllWindowOrProcessAllWindowFunction<IN, R, W> | undefined, method: string): InternalWindowFunction<IN, R, number, W> {
    if (!f) return passThroughWindowFunction<IN>() as unknown as InternalWindowFunction<IN, R, number, W>;
    return internalAllWindowOrProcessFunction(f, method) as InternalWindowFunction<IN, R, number, W>;
  }

  private nonParallel<R>(s: SingleOutputStreamOperator<R>): SingleOutputStreamOperator<R> {
    return s.setParallelism(1);
  }
}
