import {
  aggregateFold,
  aggregatingContents,
  identityFold,
  internalAllWindowFunction,
  internalProcessAllWindowFunction,
  listContents,
  passThroughWindowFunction,
  reduceFn,
  reduceFold,
  reducingContents,
  type AggregateFunction,
  type AllWindowFunctionLike,
  type Evictor,
  type InternalWindowFunction,
  type OutputTag,
  type ProcessAllWindowFunctionLike,
  type Trigger,
  type Window,
  type WindowAssigner,
  type WindowReduceFunctionLike,
} from '@flott/runtime';
import type { DataStream, SingleOutputStreamOperator } from '../data-stream';
import { WindowedStream } from './windowed-stream';

/**
 * A non-keyed stream cut into windows (Flink's AllWindowedStream). As in Flink, the window
 * operator runs with parallelism 1: every element goes through one subtask.
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
  allowedLateness(lateness: number): this {
    this.windowed.allowedLateness(lateness);
    return this;
  }
  sideOutputLateData(tag: OutputTag<T>): this {
    this.windowed.sideOutputLateData(tag);
    return this;
  }

  reduce(reducer: WindowReduceFunctionLike<T>): SingleOutputStreamOperator<T>;
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R>;
  reduce<R>(reducer: WindowReduceFunctionLike<T>, windowFunction?: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    const reduce = reduceFn(reducer);
    return this.nonParallel(this.windowed.build('Reduce', reducingContents(reduce), reduceFold(reduce), this.fnOf<T, R>(windowFunction), [reducer]));
  }

  aggregate<ACC, V>(f: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction: ProcessAllWindowFunctionLike<V, R, W>): SingleOutputStreamOperator<R>;
  aggregate<ACC, V, R>(f: AggregateFunction<T, ACC, V>, windowFunction?: ProcessAllWindowFunctionLike<V, R, W>): SingleOutputStreamOperator<R> {
    return this.nonParallel(this.windowed.build('Aggregate', aggregatingContents(f), aggregateFold(f), this.fnOf<V, R>(windowFunction), [f]));
  }

  process<R>(f: ProcessAllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    return this.nonParallel(this.windowed.build('Process', listContents<T>(), identityFold<T>(), this.fnOf<T, R>(f), []));
  }

  apply<R>(f: AllWindowFunctionLike<T, R, W>): SingleOutputStreamOperator<R> {
    const fn = internalAllWindowFunction(f) as InternalWindowFunction<T, R, number, W>;
    return this.nonParallel(this.windowed.build('Apply', listContents<T>(), identityFold<T>(), fn, []));
  }

  private fnOf<IN, R>(f: ProcessAllWindowFunctionLike<IN, R, W> | undefined): InternalWindowFunction<IN, R, number, W> {
    if (!f) return passThroughWindowFunction<IN>() as unknown as InternalWindowFunction<IN, R, number, W>;
    return internalProcessAllWindowFunction(f) as InternalWindowFunction<IN, R, number, W>;
  }

  private nonParallel<R>(s: SingleOutputStreamOperator<R>): SingleOutputStreamOperator<R> {
    return s.setParallelism(1);
  }
}
