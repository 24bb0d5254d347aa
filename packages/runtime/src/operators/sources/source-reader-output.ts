import { NO_TIMESTAMP, type ReaderOutput, type SourceOutput } from '@flott/core';
import { specializeHotMethods } from '../specialize';

/** The task's output, where a reader's records go without a watermark strategy. */
export interface RecordTarget<T> {
  collect(record: T, timestamp: number): void;
}

/** The watermark stage in front of the output (a TimestampsAndWatermarksOperator). */
export interface WatermarkStage<T> {
  processElement(record: T, timestamp: number): void;
}

/** What a reader output does besides records: watermarks, idleness, split outputs (the operator's). */
export type ReaderOutputControl<T> = Omit<ReaderOutput<T>, 'collect'>;

/**
 * The ReaderOutput a SourceReaderOperator hands its reader: counts the records (the operator's batch
 * bound) and passes them on. Its `collect` is the per-record path of every source, so each instance
 * gets its own compiled copy (specializeHotMethods): the reader's loop, this method and the chain
 * behind it stay monomorphic for the one job the operator serves, as a legacy source's loop did.
 */
export class SourceReaderOutput<T> implements ReaderOutput<T> {
  emitted = 0;
  private readonly noTimestamp = NO_TIMESTAMP;
  private target?: RecordTarget<T>;
  private stage?: WatermarkStage<T>;

  constructor(private readonly control: ReaderOutputControl<T>) {
    specializeHotMethods(this, ['collect']);
  }

  /**
   * Set before the reader polls (the task's output exists only after the operator's setup). Records go
   * to `stage` when given, else to `target`: two call sites, each monomorphic in this instance's copy.
   */
  connect(target: RecordTarget<T>, stage?: WatermarkStage<T>): void {
    this.target = target;
    this.stage = stage;
  }

  collect(record: T, timestamp?: number): void {
    this.emitted++;
    const ts = timestamp === undefined ? this.noTimestamp : timestamp;
    const stage = this.stage;
    if (stage === undefined) this.target!.collect(record, ts);
    else stage.processElement(record, ts);
  }

  emitWatermark(watermark: number): void {
    this.control.emitWatermark(watermark);
  }

  markIdle(): void {
    this.control.markIdle();
  }

  markActive(): void {
    this.control.markActive();
  }

  createOutputForSplit(splitId: string): SourceOutput<T> {
    return this.control.createOutputForSplit(splitId);
  }

  releaseOutputForSplit(splitId: string): void {
    this.control.releaseOutputForSplit(splitId);
  }
}
