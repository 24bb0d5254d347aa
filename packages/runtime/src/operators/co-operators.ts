import {
  NO_TIMESTAMP,
  TimeDomain,
  type CoFlatMapFunctionLike,
  type CoMapFunctionLike,
  type CoProcessFunctionLike,
  type Collector,
  type KeyedCoProcessFunctionLike,
  type OnTimerContext,
  type OutputTag,
  type ProcessContext,
  type TimerService,
} from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import { AbstractUdfStreamOperator } from './abstract-stream-operator';
import { TimestampedCollector } from './basic-operators';
import { specializeHotMethods } from './specialize';
import type { OperatorEnvironment, TwoInputStreamOperator } from './stream-operator';
import { nonKeyedTimerService } from './timers/timer-errors';
import type { VoidNamespace, InternalTimer, InternalTimeServiceManager, Triggerable } from './timers/timer-service';
import { userTimers } from './timers/user-timers';

/**
 * Base of two-input operators: the operator's watermark is the minimum of its two inputs' watermarks
 * (Flink's AbstractStreamOperator#processWatermark1/2), emitted only when it advances. An idle input
 * (WatermarkStatus IDLE) does not hold the other back; the operator is idle only when both are.
 */
export abstract class AbstractTwoInputUdfOperator<IN1, IN2, OUT, F>
  extends AbstractUdfStreamOperator<OUT, F>
  implements TwoInputStreamOperator<IN1, IN2, OUT>
{
  private input1Watermark = Number.NEGATIVE_INFINITY;
  private input2Watermark = Number.NEGATIVE_INFINITY;
  private input1Idle = false;
  private input2Idle = false;
  protected combinedWatermark = Number.MIN_SAFE_INTEGER;
  /** Emits with the timestamp of the record (or timer) being processed. */
  protected collector!: TimestampedCollector<OUT>;

  override setup(env: OperatorEnvironment<OUT>): void {
    super.setup(env);
    this.collector = new TimestampedCollector(this.output);
  }

  abstract processElement1(value: IN1, timestamp: number): void;
  abstract processElement2(value: IN2, timestamp: number): void;

  processWatermark1(watermark: number): void {
    this.input1Watermark = watermark;
    this.advanceWatermark();
  }

  processWatermark2(watermark: number): void {
    this.input2Watermark = watermark;
    this.advanceWatermark();
  }

  processWatermarkStatus1(idle: boolean): void {
    this.setIdle(idle, this.input2Idle, () => (this.input1Idle = idle));
  }

  processWatermarkStatus2(idle: boolean): void {
    this.setIdle(this.input1Idle, idle, () => (this.input2Idle = idle));
  }

  /** Fires due event-time timers (keyed operators) before the watermark goes downstream. */
  protected onWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }

  private setIdle(idle1: boolean, idle2: boolean, apply: () => void): void {
    const wasIdle = this.input1Idle && this.input2Idle;
    apply();
    const nowIdle = idle1 && idle2;
    if (wasIdle && !nowIdle) this.output.emitWatermarkStatus?.(false);
    this.advanceWatermark();
    if (!wasIdle && nowIdle) this.output.emitWatermarkStatus?.(true);
  }

  private advanceWatermark(): void {
    let min: number;
    if (this.input1Idle && this.input2Idle) min = Math.max(this.input1Watermark, this.input2Watermark);
    else if (this.input1Idle) min = this.input2Watermark;
    else if (this.input2Idle) min = this.input1Watermark;
    else min = Math.min(this.input1Watermark, this.input2Watermark);
    if (min > this.combinedWatermark) {
      this.combinedWatermark = min;
      this.onWatermark(min);
    }
  }
}

/** Flink's CoStreamMap. */
export class CoStreamMap<IN1, IN2, OUT> extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, CoMapFunctionLike<IN1, IN2, OUT>> {
  private readonly map1: (value: IN1) => OUT;
  private readonly map2: (value: IN2) => OUT;
  constructor(f: CoMapFunctionLike<IN1, IN2, OUT>) {
    super(f);
    this.map1 = f.map1.bind(f);
    this.map2 = f.map2.bind(f);
    specializeHotMethods(this, ['processElement1', 'processElement2']);
  }
  processElement1(value: IN1, timestamp: number): void {
    this.output.collect(this.map1(value), timestamp);
  }
  processElement2(value: IN2, timestamp: number): void {
    this.output.collect(this.map2(value), timestamp);
  }
}

/** Flink's CoStreamFlatMap. */
export class CoStreamFlatMap<IN1, IN2, OUT> extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, CoFlatMapFunctionLike<IN1, IN2, OUT>> {
  private readonly flatMap1: (value: IN1, out: Collector<OUT>) => void;
  private readonly flatMap2: (value: IN2, out: Collector<OUT>) => void;
  constructor(f: CoFlatMapFunctionLike<IN1, IN2, OUT>) {
    super(f);
    this.flatMap1 = f.flatMap1.bind(f);
    this.flatMap2 = f.flatMap2.bind(f);
    specializeHotMethods(this, ['processElement1', 'processElement2']);
  }
  processElement1(value: IN1, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.flatMap1(value, c);
  }
  processElement2(value: IN2, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.flatMap2(value, c);
  }
}

/** Flink's CoProcessOperator (non-keyed). */
export class CoProcessOperator<IN1, IN2, OUT> extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, CoProcessFunctionLike<IN1, IN2, OUT>> {
  private readonly fn1: (value: IN1, ctx: ProcessContext, out: Collector<OUT>) => void;
  private readonly fn2: (value: IN2, ctx: ProcessContext, out: Collector<OUT>) => void;
  private readonly timers = nonKeyedTimerService(
    () => this.env.clock.currentTimeMillis(),
    () => this.combinedWatermark,
  );
  private readonly context: ProcessContext = {
    timestamp: () => (this.collector.timestamp === NO_TIMESTAMP ? undefined : this.collector.timestamp),
    output: <X>(tag: OutputTag<X>, value: X): void => this.output.collectSide(tag.id, value, this.collector.timestamp),
    currentWatermark: () => this.combinedWatermark,
    currentProcessingTime: () => this.env.clock.currentTimeMillis(),
    timerService: () => this.timers,
  };
  constructor(f: CoProcessFunctionLike<IN1, IN2, OUT>) {
    super(f);
    this.fn1 = f.processElement1.bind(f);
    this.fn2 = f.processElement2.bind(f);
    specializeHotMethods(this, ['processElement1', 'processElement2']);
  }
  processElement1(value: IN1, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn1(value, this.context, c);
  }
  processElement2(value: IN2, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn2(value, this.context, c);
  }
}

/**
 * Flink's KeyedCoProcessOperator: the task sets the current key from either input's key selector;
 * keyed state comes from the runtime context, timers from the operator's 'user-timers' service.
 * Output carries the input's timestamp, an event-time timer's time, or none for processing time.
 */
export class KeyedCoProcessOperator<K, IN1, IN2, OUT>
  extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, KeyedCoProcessFunctionLike<K, IN1, IN2, OUT>>
  implements Triggerable<VoidNamespace>
{
  private readonly fn1: (value: IN1, ctx: OnTimerContext<K>, out: Collector<OUT>) => void;
  private readonly fn2: (value: IN2, ctx: OnTimerContext<K>, out: Collector<OUT>) => void;
  private readonly onTimerFn?: (timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>) => void;
  private backend!: KeyedStateBackend;
  private manager!: InternalTimeServiceManager;
  private timers!: TimerService;
  private timerTimestamp = NO_TIMESTAMP;
  private domain = TimeDomain.EVENT_TIME;
  private readonly context: OnTimerContext<K> = {
    timestamp: () => {
      const ts = this.timerTimestamp !== NO_TIMESTAMP ? this.timerTimestamp : this.collector.timestamp;
      return ts === NO_TIMESTAMP ? undefined : ts;
    },
    output: <X>(tag: OutputTag<X>, value: X): void => this.output.collectSide(tag.id, value, this.collector.timestamp),
    currentWatermark: () => this.combinedWatermark,
    currentProcessingTime: () => this.env.clock.currentTimeMillis(),
    timerService: () => this.timers,
    getCurrentKey: () => this.backend.getCurrentKey() as K,
    timeDomain: () => this.domain,
  };

  constructor(f: KeyedCoProcessFunctionLike<K, IN1, IN2, OUT>) {
    super(f);
    this.fn1 = f.processElement1.bind(f);
    this.fn2 = f.processElement2.bind(f);
    if (typeof f.onTimer === 'function') this.onTimerFn = f.onTimer.bind(f);
    specializeHotMethods(this, ['processElement1', 'processElement2']);
  }

  override open(): void | Promise<void> {
    const { keyedStateBackend, timeServiceManager, operatorName } = this.env;
    if (!keyedStateBackend || !timeServiceManager) {
      throw new Error(`Assertion failed: keyed operator ${operatorName} got no keyed state backend or timer service`);
    }
    this.backend = keyedStateBackend;
    this.manager = timeServiceManager;
    this.timers = userTimers(timeServiceManager, this, () => this.combinedWatermark);
    return super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn1(value, this.context, c);
  }

  processElement2(value: IN2, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.fn2(value, this.context, c);
  }

  protected override onWatermark(watermark: number): void {
    this.manager.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  onEventTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer, TimeDomain.EVENT_TIME, timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer, TimeDomain.PROCESSING_TIME, NO_TIMESTAMP);
  }

  private fire(timer: InternalTimer<VoidNamespace>, domain: TimeDomain, outputTimestamp: number): void {
    if (!this.onTimerFn) return;
    this.collector.timestamp = outputTimestamp;
    this.timerTimestamp = timer.timestamp;
    this.domain = domain;
    try {
      this.onTimerFn(timer.timestamp, this.context, this.collector);
    } finally {
      this.timerTimestamp = NO_TIMESTAMP;
    }
  }
}
