import {
  JobBuildError,
  toMillis,
  type AggregateFunction,
  type DurationLike,
  type Evictor,
  type OutputTag,
  type ProcessWindowFunctionLike,
  type ProcessWindowFunctionObject,
  type Trigger,
  type Window,
  type WindowAssigner,
  type WindowFn,
  type WindowFunctionLike,
  type WindowFunctionObject,
  type WindowOrProcessWindowFunction,
  type WindowReduceFunctionLike,
} from '@flott/core';
import {
  aggregateFold,
  aggregatingContents,
  createWindowOperator,
  evictingContents,
  identityFold,
  internalProcessWindowFunction,
  internalWindowFunction,
  internalWindowOrProcessFunction,
  listContents,
  passThroughWindowFunction,
  reduceFn,
  reduceFold,
  reducingContents,
  type InternalWindowFunction,
  type WindowContents,
} from '@flott/runtime/internal';
import type { SingleOutputStreamOperator } from '../data-stream';
import type { KeyedStream } from '../keyed-stream';

/**
 * A keyed stream cut into windows (Flink's WindowedStream): set trigger, evictor, allowed lateness
 * and the late-data side output, then apply reduce, aggregate, process or apply. Reduce and
 * aggregate on tumbling/sliding event-time windows with the default trigger, no evictor and no
 * allowed lateness run on the slicing operator (one state update per element, whatever size/slide).
 *
 * Window functions, as in Flink: `apply(f)` takes a WindowFunction `(key, window, input, out)`,
 * `process(f)` a ProcessWindowFunction `(key, context, elements, out)`; `reduce(r, f)` and
 * `aggregate(a, f)` take either, and there a plain function is a WindowFunction (the only kind a
 * lambda can be in Flink). For a ProcessWindowFunction there, pass a subclass or an object with
 * `process`. A lambda annotated for the other kind does not compile.
 */
export class WindowedStream<T, K, W extends Window> {
  private windowTrigger?: Trigger<T, W>;
  private windowEvictor?: Evictor<T, W>;
  private lateness = 0;
  private lateTag?: string;

  /** @internal Created by `KeyedStream.window`. */
  constructor(
    private readonly input: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner<T, W>,
  ) {}

  trigger(trigger: Trigger<T, W>): this {
    if (isMerging(this.assigner) && !trigger.canMerge()) {
      throw new JobBuildError(`A merging window assigner cannot be used with a trigger that does not support merging: ${String(trigger)}`);
    }
    this.windowTrigger = trigger;
    return this;
  }

  evictor(evictor: Evictor<T, W>): this {
    this.windowEvictor = evictor;
    return this;
  }

  /** Event time: elements up to `lateness` (milliseconds or a Duration) behind a window's end still update it and fire it again. */
  allowedLateness(lateness: DurationLike): this {
    this.lateness = toMillis(lateness, 'allowedLateness');
    return this;
  }

  /** Elements too late for all their windows go to this side output (read with `getSideOutput(tag)`). */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag.id;
    return this;
  }

  /** Reduces each window's elements incrementally; with a window function, that gets the one reduced value. */
  reduce(reducer: WindowReduceFunctionLike<T>): SingleOutputStreamOperator<T>;
  /** A plain function is a WindowFunction: `(key, window, input, out)`. */
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction: WindowFn<T, R, K, W>): SingleOutputStreamOperator<R>;
  /** An object with `apply` (WindowFunction) or with `process` (ProcessWindowFunction). */
  reduce<R>(
    reducer: WindowReduceFunctionLike<T>,
    windowFunction: WindowFunctionObject<T, R, K, W> | ProcessWindowFunctionObject<T, R, K, W>,
  ): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction?: WindowOrProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    const reduce = reduceFn(reducer);
    const fn = windowFunction ? internalWindowOrProcessFunction(windowFunction, 'reduce()') : (passThroughWindowFunction<T>() as unknown as InternalWindowFunction<T, R, K, W>);
    return this.build('Reduce', reducingContents(reduce), reduceFold(reduce), fn, [reducer]);
  }

  /** Aggregates each window's elements incrementally; with a window function, that gets the one result. */
  aggregate<ACC, V>(f: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  /** A plain function is a WindowFunction: `(key, window, input, out)`. */
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction: WindowFn<V, R, K, W>): SingleOutputStreamOperator<R>;
  /** An object with `apply` (WindowFunction) or with `process` (ProcessWindowFunction). */
  aggregate<ACC, V, R>(
    f: AggregateFunction<T, ACC, V>,
    windowFunction: WindowFunctionObject<V, R, K, W> | ProcessWindowFunctionObject<V, R, K, W>,
  ): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction?: WindowOrProcessWindowFunction<V, R, K, W>): SingleOutputStreamOperator<R> {
    const fn = windowFunction ? internalWindowOrProcessFunction(windowFunction, 'aggregate()') : (passThroughWindowFunction<V>() as unknown as InternalWindowFunction<V, R, K, W>);
    return this.build('Aggregate', aggregatingContents(f), aggregateFold(f), fn, [f]);
  }

  /**
   * All elements of a window, with window metadata and per-window state: a ProcessWindowFunction
   * (subclass or object with `process`) or a plain function `(key, context, elements, out)`.
   */
  process<R>(f: ProcessWindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.build('Process', listContents<T>(), identityFold<T>(), internalProcessWindowFunction(f), []);
  }

  /** All elements of a window: a WindowFunction (object with `apply`) or a plain function `(key, window, input, out)`. */
  apply<R>(f: WindowFn<T, R, K, W>): SingleOutputStreamOperator<R>;
  // Two overloads, not a union: in a union with a function type, an object literal's `apply` loses its parameter types.
  apply<R>(f: WindowFunctionObject<T, R, K, W>): SingleOutputStreamOperator<R>;
  apply<R>(f: WindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.build('Apply', listContents<T>(), identityFold<T>(), internalWindowFunction(f), []);
  }

  /** @internal Adds the window operator (also used by windowAll and the window joins). */
  build<ACC, V, R>(
    what: string,
    contents: WindowContents<T, ACC, V>,
    fold: (values: T[]) => Iterable<V>,
    fn: InternalWindowFunction<V, R, K, W>,
    incrementalFunctions: readonly unknown[],
  ): SingleOutputStreamOperator<R> {
    for (const f of incrementalFunctions) {
      if (typeof f === 'object' && f !== null && typeof (f as { setRuntimeContext?: unknown }).setRuntimeContext === 'function') {
        throw new JobBuildError(`${what}: the function of a window ${what.toLowerCase()} cannot be a rich function (as in Flink); use a ProcessWindowFunction for state`);
      }
    }
    const assigner = this.assigner;
    const trigger = this.windowTrigger ?? assigner.getDefaultTrigger();
    const evictor = this.windowEvictor;
    const options = {
      assigner,
      trigger: this.windowTrigger,
      evictor,
      allowedLateness: this.lateness,
      lateDataOutputTag: this.lateTag,
      contents: (evictor ? evictingContents<T, V>(fold) : contents) as WindowContents<T, unknown, V>,
      windowFunction: fn as InternalWindowFunction<V, R, unknown, W>,
    };
    const name = `Window(${String(assigner)}, ${String(trigger)}${evictor ? `, ${evictor.constructor.name}` : ''}, ${what})`;
    return this.input.transform(name, () => createWindowOperator(options), evictor ? 'EvictingWindow' : 'Window');
  }
}

function isMerging(assigner: WindowAssigner<unknown, Window>): boolean {
  return typeof (assigner as { mergeWindows?: unknown }).mergeWindows === 'function';
}
