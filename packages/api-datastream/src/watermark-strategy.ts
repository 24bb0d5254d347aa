import {
  AscendingTimestampsWatermarks,
  BoundedOutOfOrdernessWatermarks,
  InvalidDurationError,
  NoWatermarksGenerator,
  WatermarksWithIdleness,
  toMillis,
  type DurationLike,
  type TimestampAssigner,
  type WatermarkGenerator,
  type WatermarkGeneratorContext,
  type WatermarkStrategyLike,
} from '@flott/core';

export type WatermarkGeneratorSupplier<T> = (context: WatermarkGeneratorContext) => WatermarkGenerator<T>;

/**
 * How a stream gets event timestamps and watermarks (Flink's WatermarkStrategy); immutable, every
 * `with*` returns a new strategy. Used with `stream.assignTimestampsAndWatermarks(strategy)`.
 *
 *   WatermarkStrategy.forBoundedOutOfOrderness<Event>(Duration.ofSeconds(5))
 *     .withTimestampAssigner((e) => e.time)
 *     .withIdleness(Duration.ofMinutes(1))
 *
 * Durations are milliseconds, Durations or legacy Times.
 */
export class WatermarkStrategy<T> implements WatermarkStrategyLike<T> {
  private constructor(
    private readonly supplier: WatermarkGeneratorSupplier<T>,
    private readonly assigner?: TimestampAssigner<T>,
    private readonly idleTimeoutMs?: number,
  ) {}

  /** Timestamps never decrease: watermark = highest timestamp − 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new AscendingTimestampsWatermarks<T>());
  }

  /** Records arrive at most `maxOutOfOrderness` late: watermark = highest timestamp − maxOutOfOrderness − 1 ms. */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: DurationLike): WatermarkStrategy<T> {
    const millis = toMillis(maxOutOfOrderness, 'WatermarkStrategy.forBoundedOutOfOrderness: maxOutOfOrderness');
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(millis));
  }

  /** A custom WatermarkGenerator, created once per parallel instance. */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(supplier);
  }

  /** No watermarks (event time only ends with bounded input). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>());
  }

  /** Takes each record's event time from the record; `recordTimestamp` is the one it had (NO_TIMESTAMP when none). */
  withTimestampAssigner(assigner: (element: T, recordTimestamp: number) => number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.supplier, assigner, this.idleTimeoutMs);
  }

  /**
   * Marks the stream idle when no record arrived for `idleTimeout` of processing time, so downstream
   * operators do not wait for its watermark; the next record makes it active again.
   */
  withIdleness(idleTimeout: DurationLike): WatermarkStrategy<T> {
    const millis = toMillis(idleTimeout, 'WatermarkStrategy.withIdleness: idleTimeout');
    if (millis === 0) throw new InvalidDurationError('WatermarkStrategy.withIdleness: idleTimeout', 'must be > 0', '0 ms');
    return new WatermarkStrategy<T>(this.supplier, this.assigner, millis);
  }

  createWatermarkGenerator(context: WatermarkGeneratorContext): WatermarkGenerator<T> {
    const generator = this.supplier(context);
    return this.idleTimeoutMs === undefined ? generator : new WatermarksWithIdleness(generator, this.idleTimeoutMs, context.clock);
  }

  createTimestampAssigner(): TimestampAssigner<T> | undefined {
    return this.assigner;
  }
}
