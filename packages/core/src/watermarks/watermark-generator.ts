import { InvalidDurationError, toMillis, type DurationLike } from '../duration';
import type { Clock } from '../time/clock';

/** Where a WatermarkGenerator emits (Flink's WatermarkOutput). */
export interface WatermarkOutput {
  /** Emits a watermark; one not higher than the last emitted one is dropped (watermarks are monotonic). */
  emitWatermark(watermark: number): void;
  /** This input produces no data for now: downstream stops waiting for its watermark. */
  markIdle(): void;
  /** Ends idleness (also implied by the next record or watermark). */
  markActive(): void;
}

/**
 * Generates watermarks from events and/or periodically (Flink's WatermarkGenerator). `onPeriodicEmit`
 * runs every `pipeline.auto-watermark-interval`. Called on the task's mailbox thread only.
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Extracts a record's event time; `recordTimestamp` is the timestamp it already has (NO_TIMESTAMP if none). */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number) => number;

/** What a generator factory may use (Flink's WatermarkGeneratorSupplier.Context). */
export interface WatermarkGeneratorContext {
  /** Processing time from the task's injected clock. */
  readonly clock: Clock;
}

/** How the assigner operator gets its generator and timestamp assigner (the API's WatermarkStrategy). */
export interface WatermarkStrategyLike<T> {
  createWatermarkGenerator(context: WatermarkGeneratorContext): WatermarkGenerator<T>;
  /** Undefined keeps the records' existing timestamps. */
  createTimestampAssigner(): TimestampAssigner<T> | undefined;
}

/**
 * Watermark = highest timestamp seen − out-of-orderness − 1, emitted periodically (Flink's
 * BoundedOutOfOrdernessWatermarks): a record at exactly the watermark's time would be late.
 */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;
  private readonly outOfOrdernessMillis: number;

  constructor(maxOutOfOrderness: DurationLike) {
    this.outOfOrdernessMillis = toMillis(maxOutOfOrderness, 'BoundedOutOfOrdernessWatermarks: maxOutOfOrderness');
    // Starts so that the first periodic watermark is the lowest possible one.
    this.maxTimestamp = Number.MIN_SAFE_INTEGER + this.outOfOrdernessMillis + 1;
  }

  onEvent(_event: T, eventTimestamp: number, _output?: WatermarkOutput): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(this.maxTimestamp - this.outOfOrdernessMillis - 1);
  }
}

/** For timestamps that never decrease (Flink's AscendingTimestampsWatermarks). */
export class AscendingTimestampsWatermarks<T> extends BoundedOutOfOrdernessWatermarks<T> {
  constructor() {
    super(0);
  }
}

/** Emits no watermarks (event time never advances, except MAX at the end of bounded input). */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(_event?: T, _eventTimestamp?: number, _output?: WatermarkOutput): void {}
  onPeriodicEmit(): void {}
}

/**
 * Marks the input idle when no event arrived for `idleTimeoutMillis` of processing time (Flink's
 * WatermarksWithIdleness); the next event makes it active again. Idleness is checked at periodic emission.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private events = 0;
  private eventsAtLastCheck = 0;
  /** Processing time since which no event arrived; undefined while events keep coming. */
  private inactiveSince: number | undefined;

  private readonly idleTimeoutMillis: number;

  constructor(
    private readonly watermarks: WatermarkGenerator<T>,
    idleTimeout: DurationLike,
    private readonly clock: Clock,
  ) {
    this.idleTimeoutMillis = toMillis(idleTimeout, 'WatermarksWithIdleness: idleTimeout');
    if (this.idleTimeoutMillis === 0) throw new InvalidDurationError('WatermarksWithIdleness: idleTimeout', 'must be > 0', '0 ms');
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.watermarks.onEvent(event, eventTimestamp, output);
    this.events++;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.isIdle()) output.markIdle();
    else this.watermarks.onPeriodicEmit(output);
  }

  private isIdle(): boolean {
    const now = this.clock.currentTimeMillis();
    if (this.events !== this.eventsAtLastCheck) {
      this.eventsAtLastCheck = this.events;
      this.inactiveSince = undefined;
      return false;
    }
    if (this.inactiveSince === undefined) {
      this.inactiveSince = now;
      return false;
    }
    return now - this.inactiveSince > this.idleTimeoutMillis;
  }
}
