import {
  MAX_WATERMARK,
  type TimestampAssigner,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WatermarkStrategyLike,
} from '@flott/core';
import type { Cancellable } from '../../time/clock';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import { specializeHotMethods } from '../specialize';
import type { OneInputStreamOperator } from '../stream-operator';

/**
 * Assigns timestamps and generates watermarks (Flink's TimestampsAndWatermarksOperator, added by
 * `assignTimestampsAndWatermarks`). Watermarks from upstream are dropped, except the final MAX one that
 * ends event time; its own watermarks are monotonic. Periodic emission runs on the injected scheduler
 * every `autoWatermarkIntervalMs` (0 = none), also while the task is back-pressured.
 */
export class TimestampsAndWatermarksOperator<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T>, WatermarkOutput {
  private generator!: WatermarkGenerator<T>;
  private assigner: TimestampAssigner<T> | undefined;
  private periodic: Cancellable | undefined;
  private currentWatermark = Number.MIN_SAFE_INTEGER;
  private idle = false;
  /** A periodic emission ran while the outputs were full and no record followed it yet. */
  private emittedWhileFull = false;

  constructor(
    private readonly strategy: WatermarkStrategyLike<T>,
    private readonly autoWatermarkIntervalMs: number,
  ) {
    super();
    specializeHotMethods(this, ['processElement']);
  }

  override open(): void {
    this.generator = this.strategy.createWatermarkGenerator({ clock: this.env.clock });
    this.assigner = this.strategy.createTimestampAssigner();
    if (this.autoWatermarkIntervalMs > 0) {
      this.periodic = this.env.scheduler.scheduleAtFixedRate(this.autoWatermarkIntervalMs, () => this.onPeriodicEmit());
    }
  }

  processElement(value: T, timestamp: number): void {
    const assigner = this.assigner;
    const ts = assigner === undefined ? timestamp : assigner(value, timestamp);
    if (this.idle) this.markActive();
    this.emittedWhileFull = false;
    this.output.collect(value, ts);
    this.generator.onEvent(value, ts, this);
  }

  processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK && this.currentWatermark !== MAX_WATERMARK) {
      this.markActive();
      this.currentWatermark = MAX_WATERMARK;
      this.output.emitWatermark(MAX_WATERMARK);
    }
  }

  /** Upstream statuses are ignored: this operator decides idleness itself (as Flink). */
  override processWatermarkStatus(): void {}

  emitWatermark(watermark: number): void {
    if (watermark <= this.currentWatermark) return;
    this.markActive();
    this.currentWatermark = watermark;
    this.output.emitWatermark(watermark);
  }

  markIdle(): void {
    if (this.idle || this.currentWatermark === MAX_WATERMARK) return;
    this.idle = true;
    this.output.emitWatermarkStatus?.(true);
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.output.emitWatermarkStatus?.(false);
  }

  override finish(): void {
    this.stopPeriodic();
    // Flink emits a last periodic watermark at the end of input; MAX follows from the source anyway.
    if (this.currentWatermark !== MAX_WATERMARK) this.generator.onPeriodicEmit(this);
  }

  override close(): void {
    this.stopPeriodic();
  }

  /**
   * Runs whether or not the outputs are back-pressured, as Flink does: a task back-pressured without
   * pause would otherwise never advance event time downstream (its windows would never fire). The
   * watermark queues behind the records emitted before it. While the outputs stay full, it emits at most
   * once until the next record (a generator that advances with the clock alone cannot pile up events
   * in a full partition); emitWatermark drops a watermark that did not advance.
   */
  private onPeriodicEmit(): void {
    const available = this.env.isOutputAvailable;
    if (available && !available()) {
      if (this.emittedWhileFull) return;
      this.emittedWhileFull = true;
    }
    this.generator.onPeriodicEmit(this);
  }

  private stopPeriodic(): void {
    this.periodic?.cancel();
    this.periodic = undefined;
  }
}
