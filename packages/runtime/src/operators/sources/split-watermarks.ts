import { NO_TIMESTAMP, type Clock, type SourceOutput, type TimestampAssigner, type WatermarkGenerator, type WatermarkOutput, type WatermarkStrategyLike } from '@flott/core';
import { specializeHotMethods } from '../specialize';

/** Where the combined split watermarks go: the reader's monotonic watermark stage. */
export interface CombinedWatermarkOutput<T> extends WatermarkOutput {
  collect(record: T, timestamp: number): void;
}

interface SplitState<T> {
  readonly generator: WatermarkGenerator<T>;
  readonly output: WatermarkOutput;
  watermark: number;
  idle: boolean;
}

/**
 * Split-local watermarks (Flink's per-split WatermarkGenerators in ProgressiveTimestampsAndWatermarks):
 * each split a reader emits through `createOutputForSplit` gets its own timestamp assigner and
 * watermark generator; the reader's watermark is the minimum over its splits that are not idle, so a
 * fast split does not make a slow one's records late. When every split is idle the reader is idle.
 */
export class SplitLocalWatermarks<T> {
  private readonly splits = new Map<string, SplitState<T>>();
  private readonly assigner: TimestampAssigner<T> | undefined;

  constructor(
    private readonly strategy: WatermarkStrategyLike<T>,
    private readonly clock: Clock,
    private readonly out: CombinedWatermarkOutput<T>,
  ) {
    this.assigner = strategy.createTimestampAssigner();
  }

  outputFor(splitId: string): SourceOutput<T> {
    return new SplitOutput(this.splits.get(splitId) ?? this.add(splitId), this.assigner, this.out);
  }

  private add(splitId: string): SplitState<T> {
    const state: SplitState<T> = {
      generator: this.strategy.createWatermarkGenerator({ clock: this.clock }),
      watermark: Number.MIN_SAFE_INTEGER,
      idle: false,
      output: {
        emitWatermark: (wm) => {
          state.watermark = Math.max(state.watermark, wm);
          state.idle = false;
          this.combine();
        },
        markIdle: () => {
          state.idle = true;
          this.combine();
        },
        markActive: () => {
          state.idle = false;
        },
      },
    };
    this.splits.set(splitId, state);
    return state;
  }

  /** The split is finished: it no longer holds the watermark back. */
  release(splitId: string): void {
    if (this.splits.delete(splitId)) this.combine();
  }

  /** The periodic emission of every split's generator (pipeline.auto-watermark-interval). */
  onPeriodicEmit(): void {
    for (const s of this.splits.values()) s.generator.onPeriodicEmit(s.output);
  }

  private combine(): void {
    if (this.splits.size === 0) return;
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.splits.values()) if (!s.idle) min = Math.min(min, s.watermark);
    if (min === Number.POSITIVE_INFINITY) this.out.markIdle();
    else if (min > Number.MIN_SAFE_INTEGER) this.out.emitWatermark(min);
  }
}

/**
 * One split's output: the per-record path of a reader with a watermark strategy, so each gets its own
 * compiled `collect` (specializeHotMethods), monomorphic for the job's records as the reader's loop is.
 */
class SplitOutput<T> implements SourceOutput<T> {
  private readonly noTimestamp = NO_TIMESTAMP;

  constructor(
    private readonly split: SplitState<T>,
    private readonly assigner: TimestampAssigner<T> | undefined,
    private readonly out: CombinedWatermarkOutput<T>,
  ) {
    specializeHotMethods(this, ['collect']);
  }

  collect(record: T, timestamp?: number): void {
    const stamp = timestamp === undefined ? this.noTimestamp : timestamp;
    const assigner = this.assigner;
    const ts = assigner === undefined ? stamp : assigner(record, stamp);
    this.out.collect(record, ts);
    const split = this.split;
    split.generator.onEvent(record, ts, split.output);
  }

  emitWatermark(watermark: number): void {
    this.split.output.emitWatermark(watermark);
  }

  markIdle(): void {
    this.split.output.markIdle();
  }

  markActive(): void {
    this.split.output.markActive();
  }
}
