import {
  JobBuildError,
  aggregateFold,
  aggregatingContents,
  createWindowOperator,
  evictingContents,
  identityFold,
  internalProcessWindowFunction,
  internalWindowFunction,
  listContents,
  passThroughWindowFunction,
  reduceFn,
  reduceFold,
  reducingContents,
  type AggregateFunction,
  type Evictor,
  type InternalWindowFunction,
  type OutputTag,
  type ProcessWindowFunctionLike,
  type Trigger,
  type Window,
  type WindowAssigner,
  type WindowContents,
  type WindowFunction,
  type WindowFunctionLike,
  type WindowReduceFunctionLike,
} from '@flott/runtime';
import type { SingleOutputStreamOperator } from '../data-stream';
import type { KeyedStream } from '../keyed-stream';

/** A ProcessWindowFunction (object with `process`, or a plain function) or a WindowFunction (object with `apply`). */
export type WindowFunctionArg<IN, OUT, K, W extends Window> = ProcessWindowFunctionLike<IN, OUT, K, W> | WindowFunction<IN, OUT, K, W>;

/**
 * A keyed stream cut into windows (Flink's WindowedStream): set trigger, evictor, allowed lateness
 * and the late-data side output, then apply reduce, aggregate, process or apply. Reduce and
 * aggregate on tumbling/sliding event-time windows with the default trigger, no evictor and no
 * allowed lateness run on the slicing operator (one state update per element, whatever size/slide).
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

  /** Event time: elements up to `lateness` ms behind a window's end still update it and fire it again. */
  allowedLateness(lateness: number): this {
    if (!(lateness >= 0)) throw new JobBuildError(`The allowed lateness cannot be negative, got ${lateness}`);
    this.lateness = lateness;
    return this;
  }

  /** Elements too late for all their windows go to this side output (read with `getSideOutput(tag)`). */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag.id;
    return this;
  }

  reduce(reducer: WindowReduceFunctionLike<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction: WindowFunctionArg<T, R, K, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction?: WindowFunctionArg<T, R, K, W>): SingleOutputStreamOperator<R> {
    const reduce = reduceFn(reducer);
    const fn = windowFunction ? toInternal(windowFunction) : (passThroughWindowFunction<T>() as unknown as InternalWindowFunction<T, R, K, W>);
    return this.build('Reduce', reducingContents(reduce), reduceFold(reduce), fn, [reducer]);
  }

  aggregate<ACC, V>(f: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction: WindowFunctionArg<V, R, K, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction?: WindowFunctionArg<V, R, K, W>): SingleOutputStreamOperator<R> {
    const fn = windowFunction ? toInternal(windowFunction) : (passThroughWindowFunction<V>() as unknown as InternalWindowFunction<V, R, K, W>);
    return this.build('Aggregate', aggregatingContents(f), aggregateFold(f), fn, [f]);
  }

  /** All elements of a window, with window metadata and per-window state. */
  process<R>(f: ProcessWindowFunctionLike<T, R, K, W>): SingleOutputStreamOperator<R> {
    return this.build('Process', listContents<T>(), identityFold<T>(), internalProcessWindowFunction(f), []);
  }

  /** Flink's legacy WindowFunction: `apply(key, window, elements, out)`. */
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

function toInternal<IN, OUT, K, W extends Window>(f: WindowFunctionArg<IN, OUT, K, W>): InternalWindowFunction<IN, OUT, K, W> {
  if (typeof f === 'object' && f !== null && 'apply' in f && typeof f.apply === 'function' && !('process' in f)) {
    return internalWindowFunction(f as WindowFunctionLike<IN, OUT, K, W>);
  }
  return internalProcessWindowFunction(f as ProcessWindowFunctionLike<IN, OUT, K, W>);
}
