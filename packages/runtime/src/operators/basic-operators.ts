import {
  NO_TIMESTAMP,
  type Collector,
  type FilterFunction,
  type FilterFunctionLike,
  type FlatMapFunction,
  type FlatMapFunctionLike,
  type MapFunction,
  type MapFunctionLike,
  type SinkContext,
  type SinkFunction,
  type SinkFunctionLike,
} from '@flott/core';
import { AbstractUdfStreamOperator } from './abstract-stream-operator';
import { specializeHotMethods } from './specialize';
import type { OperatorEnvironment, OneInputStreamOperator, Output } from './stream-operator';

/** Emits with the timestamp of the input record being processed (Flink's TimestampedCollector). */
export class TimestampedCollector<T> implements Collector<T> {
  timestamp = NO_TIMESTAMP;
  constructor(private readonly output: Output<T>) {}
  collect(value: T): void {
    this.output.collect(value, this.timestamp);
  }
}

export class StreamMap<IN, OUT> extends AbstractUdfStreamOperator<OUT, MapFunctionLike<IN, OUT>> implements OneInputStreamOperator<IN, OUT> {
  private readonly fn: (value: IN) => OUT;
  constructor(f: MapFunctionLike<IN, OUT>) {
    super(f);
    this.fn = typeof f === 'function' ? f : f.map.bind(f);
    specializeHotMethods(this, ['processElement']);
  }
  processElement(value: IN, timestamp: number): void {
    this.output.collect(this.fn(value), timestamp);
  }
  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }
}

export class StreamFlatMap<IN, OUT>
  extends AbstractUdfStreamOperator<OUT, FlatMapFunctionLike<IN, OUT>>
  implements OneInputStreamOperator<IN, OUT>
{
  private readonly fn: (value: IN, out: Collector<OUT>) => void;
  private collector!: TimestampedCollector<OUT>;
  constructor(f: FlatMapFunctionLike<IN, OUT>) {
    super(f);
    this.fn = typeof f === 'function' ? f : f.flatMap.bind(f);
    specializeHotMethods(this, ['processElement']);
  }
  override setup(env: OperatorEnvironment<OUT>): void {
    super.setup(env);
    this.collector = new TimestampedCollector(this.output);
  }
  processElement(value: IN, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn(value, c);
  }
  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }
}

export class StreamFilter<T> extends AbstractUdfStreamOperator<T, FilterFunctionLike<T>> implements OneInputStreamOperator<T, T> {
  private readonly fn: (value: T) => boolean;
  constructor(f: FilterFunctionLike<T>) {
    super(f);
    this.fn = typeof f === 'function' ? f : f.filter.bind(f);
    specializeHotMethods(this, ['processElement']);
  }
  processElement(value: T, timestamp: number): void {
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }
}

/** Calls a SinkFunction per record (Flink's StreamSink). */
export class StreamSink<T> extends AbstractUdfStreamOperator<unknown, SinkFunctionLike<T>> implements OneInputStreamOperator<T, unknown> {
  private readonly fn: (value: T, context: SinkContext) => void;
  private currentTimestamp = NO_TIMESTAMP;
  private watermark = Number.MIN_SAFE_INTEGER;
  private readonly context: SinkContext = {
    timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
    currentWatermark: () => this.watermark,
  };
  constructor(f: SinkFunctionLike<T>) {
    super(f);
    this.fn = typeof f === 'function' ? f : f.invoke.bind(f);
    specializeHotMethods(this, ['processElement']);
  }
  processElement(value: T, timestamp: number): void {
    this.currentTimestamp = timestamp;
    this.fn(value, this.context);
  }
  processWatermark(watermark: number): void {
    this.watermark = watermark;
  }
  override finish(): void | Promise<void> {
    const f = this.userFunction;
    if (typeof f !== 'function') return f.finish?.();
  }
}
