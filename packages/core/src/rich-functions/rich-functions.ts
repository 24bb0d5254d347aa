import type { Collector, OutputTag, FilterFunction, FlatMapFunction, MapFunction, SinkContext, SinkFunction } from '../functions/functions';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../state/state-descriptors';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from '../state/state-handles';

/**
 * Rich user functions (what job authors extend): besides the plain function contracts
 * (../functions) they get open/close and a runtime context with state, accumulators and timers. The
 * DataStream API re-exports them. All calls happen on the task's mailbox thread, one at a time.
 */
export interface Accumulator<V> {
  add(value: V): void;
  getLocalValue(): V;
  merge(other: V): void;
}

/** Sums numbers (Flink's IntCounter/LongCounter/DoubleCounter: one class, as JS has one number type). */
export class NumberCounter implements Accumulator<number> {
  private value: number;
  constructor(initial = 0) {
    this.value = initial;
  }
  add(value: number): void {
    this.value += value;
  }
  getLocalValue(): number {
    return this.value;
  }
  merge(other: number): void {
    this.value += other;
  }
}
export { NumberCounter as IntCounter, NumberCounter as LongCounter, NumberCounter as DoubleCounter };

/** Information about the parallel instance that runs a function (Flink's RuntimeContext). */
export interface RuntimeContext {
  getJobId(): string;
  getTaskName(): string;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
  getMaxNumberOfParallelSubtasks(): number;
  getAttemptNumber(): number;
  /** Registers an accumulator; its merged value is in the job result under `name`. */
  addAccumulator<V>(name: string, accumulator: Accumulator<V>): void;
  getAccumulator<V>(name: string): Accumulator<V> | undefined;
  /**
   * Keyed state of the current key (Flink's getState etc.). Only in functions of keyed operators
   * (after keyBy); elsewhere they throw KeyedStateUnavailableError. Call them in `open()` and keep
   * the handle: it follows the current key.
   */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(descriptor: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
}

/** Functions with a life cycle. `open` runs before the first record, `close` after the last. */
export interface RichFunction {
  setRuntimeContext(ctx: RuntimeContext): void;
  getRuntimeContext(): RuntimeContext;
  open(): void | Promise<void>;
  close(): void | Promise<void>;
}

export abstract class AbstractRichFunction implements RichFunction {
  private runtimeContext?: RuntimeContext;
  setRuntimeContext(ctx: RuntimeContext): void {
    this.runtimeContext = ctx;
  }
  getRuntimeContext(): RuntimeContext {
    if (!this.runtimeContext) throw new Error('The runtime context is only available once the function runs in a task');
    return this.runtimeContext;
  }
  open(): void | Promise<void> {}
  close(): void | Promise<void> {}
}

export function isRichFunction(f: unknown): f is RichFunction {
  return typeof f === 'object' && f !== null && typeof (f as RichFunction).setRuntimeContext === 'function';
}

export abstract class RichMapFunction<IN, OUT> extends AbstractRichFunction implements MapFunction<IN, OUT> {
  abstract map(value: IN): OUT;
}
export abstract class RichFlatMapFunction<IN, OUT> extends AbstractRichFunction implements FlatMapFunction<IN, OUT> {
  abstract flatMap(value: IN, out: Collector<OUT>): void;
}
export abstract class RichFilterFunction<T> extends AbstractRichFunction implements FilterFunction<T> {
  abstract filter(value: T): boolean;
}
export abstract class RichSinkFunction<T> extends AbstractRichFunction implements SinkFunction<T> {
  abstract invoke(value: T, context: SinkContext): void;
}

/** Context of ProcessFunction#processElement. */
export interface ProcessContext {
  timestamp(): number | undefined;
  output<X>(tag: OutputTag<X>, value: X): void;
  currentWatermark(): number;
  currentProcessingTime(): number;
  /** Timers (Flink's TimerService); registering or deleting one throws unless the stream is keyed. */
  timerService(): TimerService;
}

export abstract class ProcessFunction<IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
}

/** Which clock a timer follows (Flink's TimeDomain). */
export enum TimeDomain {
  EVENT_TIME = 'EVENT_TIME',
  PROCESSING_TIME = 'PROCESSING_TIME',
}

/**
 * Timers of the current key (Flink's TimerService). One timer per (key, timestamp): registering it
 * again is a no-op. Event-time timers fire when the watermark reaches their time, processing-time
 * timers when the (injected) clock does; `onTimer` runs with the timer's key as the current key.
 */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/** Context of KeyedProcessFunction#processElement. */
export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

/** Context of KeyedProcessFunction#onTimer: `timestamp()` is the timer's time. */
export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): TimeDomain;
}

/**
 * A function on a keyed stream with access to keyed state and timers (Flink's KeyedProcessFunction).
 * Records emitted from `onTimer` carry the timer's timestamp for event-time timers and none for
 * processing-time timers, as in Flink.
 */
export abstract class KeyedProcessFunction<K, IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<OUT>): void {}
}

export type ProcessElementFn<IN, OUT> = (value: IN, ctx: ProcessContext, out: Collector<OUT>) => void;

/** A ProcessFunction subclass, any object with `processElement`, or a plain function. */
export type ProcessFunctionLike<IN, OUT> =
  | ProcessFunction<IN, OUT>
  | { processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void }
  | ProcessElementFn<IN, OUT>;

/** A KeyedProcessFunction subclass or any object with `processElement` (and optionally `onTimer`). */
export type KeyedProcessFunctionLike<K, IN, OUT> =
  | KeyedProcessFunction<K, IN, OUT>
  | {
      processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
      onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
    }
  | ((value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>) => void);
