import {
  NO_TIMESTAMP,
  TimeDomain,
  type Collector,
  type KeyedProcessContext,
  type KeyedProcessFunction,
  type KeyedProcessFunctionLike,
  type OnTimerContext,
  type OutputTag,
  type TimerService,
} from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import { AbstractUdfStreamOperator } from './abstract-stream-operator';
import { TimestampedCollector } from './basic-operators';
import { specializeHotMethods } from './specialize';
import type { OneInputStreamOperator } from './stream-operator';
import type { InternalTimer, InternalTimeServiceManager, Triggerable, VoidNamespace } from './timers/timer-service';
import { userTimers } from './timers/user-timers';

/** KeyedProcessFunction timers have no namespace (Flink's VoidNamespace). */

/**
 * Runs a KeyedProcessFunction (Flink's KeyedProcessOperator). The task sets the current key per record;
 * timers live in the operator's 'user-timers' service and call `onTimer` with their key current.
 * Output records carry the input record's timestamp, an event-time timer's time, or none for
 * processing-time timers.
 */
export class KeyedProcessOperator<K, IN, OUT>
  extends AbstractUdfStreamOperator<OUT, KeyedProcessFunctionLike<K, IN, OUT>>
  implements OneInputStreamOperator<IN, OUT>, Triggerable<VoidNamespace>
{
  private readonly fn: (value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>) => void;
  private readonly onTimerFn?: (timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>) => void;
  private collector!: TimestampedCollector<OUT>;
  private backend!: KeyedStateBackend;
  private manager!: InternalTimeServiceManager;
  private timers!: TimerService;
  private currentTimestamp = NO_TIMESTAMP;
  private currentDomain = TimeDomain.EVENT_TIME;

  /** One object serves processElement and onTimer: `timeDomain()` only matters in onTimer. */
  private readonly context: OnTimerContext<K> = {
    timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
    output: <X>(tag: OutputTag<X>, value: X): void => {
      this.output.collectSide(tag.id, value, this.collector.timestamp);
    },
    currentWatermark: () => this.timers.currentWatermark(),
    currentProcessingTime: () => this.timers.currentProcessingTime(),
    timerService: () => this.timers,
    getCurrentKey: () => this.backend.getCurrentKey() as K,
    timeDomain: () => this.currentDomain,
  };

  constructor(f: KeyedProcessFunctionLike<K, IN, OUT>) {
    super(f);
    if (typeof f === 'function') {
      this.fn = f;
    } else {
      this.fn = f.processElement.bind(f);
      if (typeof f.onTimer === 'function') this.onTimerFn = f.onTimer.bind(f);
    }
    specializeHotMethods(this, ['processElement']);
  }

  override open(): void | Promise<void> {
    const { keyedStateBackend, timeServiceManager, operatorName } = this.env;
    if (!keyedStateBackend || !timeServiceManager) {
      throw new Error(`Assertion failed: keyed operator ${operatorName} got no keyed state backend or timer service`);
    }
    this.backend = keyedStateBackend;
    this.manager = timeServiceManager;
    this.collector = new TimestampedCollector(this.output);
    this.timers = userTimers(timeServiceManager, this, () => timeServiceManager.currentWatermark());
    return super.open();
  }

  processElement(value: IN, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.currentTimestamp = timestamp;
    this.fn(value, this.context, c);
  }

  processWatermark(watermark: number): void {
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
    this.currentTimestamp = timer.timestamp;
    this.currentDomain = domain;
    this.onTimerFn(timer.timestamp, this.context, this.collector);
  }
}
