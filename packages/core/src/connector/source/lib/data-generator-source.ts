import { JobBuildError } from '../../../errors';
import {
  Boundedness,
  InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceOutput,
  type SourceReaderContext,
  type SourceSplit,
  type SourceTimer,
  type SplitEnumerator,
  type SplitEnumeratorContext,
} from '../source';
import { IndexRangeSourceReader, IteratorSourceEnumerator, splitIndexRange, type IndexRangeSplit } from './iterator-source';

/** Turns an index into a record (Flink's GeneratorFunction). */
export type GeneratorFunction<T> = (index: number) => T;

/** How fast a generator's readers emit (Flink's RateLimiterStrategy): records per second over all readers. */
export class RateLimiterStrategy {
  private constructor(readonly recordsPerSecond: number | undefined) {}

  /** `recordsPerSecond` in total, shared equally by the readers. */
  static perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (!(recordsPerSecond > 0) || !Number.isFinite(recordsPerSecond)) throw new JobBuildError(`RateLimiterStrategy.perSecond: the rate must be > 0, got ${recordsPerSecond}`);
    return new RateLimiterStrategy(recordsPerSecond);
  }

  static noOp(): RateLimiterStrategy {
    return new RateLimiterStrategy(undefined);
  }
}

/** Largest index count an unbounded generator uses (never reached). */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * Records `generator(0)` .. `generator(count - 1)` (Flink's DataGeneratorSource; `count` Infinity
 * never ends), over index-range splits as NumberSequenceSource, optionally rate limited. Checkpoints
 * keep each split's next index, so a restore continues there at any parallelism.
 */
export class DataGeneratorSource<T> implements Source<T, IndexRangeSplit, IndexRangeSplit[]> {
  constructor(
    private readonly generator: GeneratorFunction<T>,
    private readonly count: number,
    private readonly rateLimiter: RateLimiterStrategy = RateLimiterStrategy.noOp(),
  ) {
    if (!(count >= 0) || (Number.isFinite(count) && !Number.isSafeInteger(count))) {
      throw new JobBuildError(`DataGeneratorSource: count must be an integer >= 0 or Infinity, got ${count}`);
    }
  }

  getBoundedness(): Boundedness {
    return Number.isFinite(this.count) ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  createReader(context: SourceReaderContext): SourceReader<T, IndexRangeSplit> {
    const reader = new IndexRangeSourceReader(context, this.generator);
    const rate = this.rateLimiter.recordsPerSecond;
    return rate === undefined ? reader : new RateLimitedSourceReader(reader, rate / context.currentParallelism(), context);
  }

  createEnumerator(context: SplitEnumeratorContext<IndexRangeSplit>): SplitEnumerator<IndexRangeSplit, IndexRangeSplit[]> {
    const total = Number.isFinite(this.count) ? this.count : UNBOUNDED;
    return new IteratorSourceEnumerator(context, splitIndexRange(0, total, context.currentParallelism()));
  }

  restoreEnumerator(context: SplitEnumeratorContext<IndexRangeSplit>, checkpoint: IndexRangeSplit[]): SplitEnumerator<IndexRangeSplit, IndexRangeSplit[]> {
    return new IteratorSourceEnumerator(context, checkpoint);
  }
}

/**
 * Smooth rate limiting of a reader: record k of this reader is due k / rate seconds after its first
 * record, timed by the task's clock; when none is due the reader waits for a timer at the next due time.
 */
export class RateLimitedSourceReader<T, SplitT extends SourceSplit> implements SourceReader<T, SplitT> {
  private startedAt?: number;
  private emitted = 0;
  private timer?: SourceTimer;
  private wake?: () => void;
  private counting?: CountingReaderOutput<T>;

  constructor(
    private readonly inner: SourceReader<T, SplitT>,
    private readonly ratePerSecond: number,
    private readonly context: SourceReaderContext,
  ) {}

  start(): void | Promise<void> {
    return this.inner.start();
  }

  pollNext(output: ReaderOutput<T>, maxRecords = 1): InputStatus {
    const now = this.context.clock.relativeTimeMillis();
    const due = this.startedAt === undefined ? 1 : Math.floor(((now - this.startedAt) * this.ratePerSecond) / 1000) + 1;
    if (this.emitted >= due) return InputStatus.NOTHING_AVAILABLE;
    const counting = this.countingOutput(output);
    const before = counting.count;
    const status = this.inner.pollNext(counting, Math.min(Math.max(1, maxRecords), due - this.emitted));
    this.emitted += counting.count - before;
    // The pace starts with the first record, not the first poll: a reader that waited for its split
    // (the coordinator thread starting) must not make up for that wait with a burst.
    if (this.startedAt === undefined && this.emitted > 0) this.startedAt = now;
    return status;
  }

  /** `output` with a count of the records emitted through it (or its split outputs): the inner reader emits batches. */
  private countingOutput(output: ReaderOutput<T>): CountingReaderOutput<T> {
    if (this.counting?.inner !== output) this.counting = new CountingReaderOutput(output);
    return this.counting;
  }

  isAvailable(): Promise<void> {
    if (this.startedAt === undefined) return this.inner.isAvailable();
    const nextDueAt = this.startedAt + (this.emitted * 1000) / this.ratePerSecond;
    const wait = nextDueAt - this.context.clock.relativeTimeMillis();
    if (wait <= 0) return this.inner.isAvailable();
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer?.cancel();
      this.timer = this.context.schedule(Math.ceil(wait), () => {
        this.timer = undefined;
        this.wakeUp();
      });
    }).then(() => this.inner.isAvailable());
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  addSplits(splits: readonly SplitT[]): void {
    this.inner.addSplits(splits);
  }

  notifyNoMoreSplits(): void {
    this.inner.notifyNoMoreSplits();
  }

  snapshotState(checkpointId: number): SplitT[] {
    return this.inner.snapshotState(checkpointId);
  }

  close(): void | Promise<void> {
    this.timer?.cancel();
    this.wakeUp();
    return this.inner.close();
  }
}

/** Forwards to a reader output and counts the records, also those emitted through its split outputs. */
class CountingReaderOutput<T> implements ReaderOutput<T> {
  count = 0;

  constructor(readonly inner: ReaderOutput<T>) {}

  collect(record: T, timestamp?: number): void {
    this.count++;
    this.inner.collect(record, timestamp);
  }

  emitWatermark(watermark: number): void {
    this.inner.emitWatermark(watermark);
  }

  markIdle(): void {
    this.inner.markIdle();
  }

  markActive(): void {
    this.inner.markActive();
  }

  createOutputForSplit(splitId: string): SourceOutput<T> {
    const split = this.inner.createOutputForSplit(splitId);
    return {
      collect: (record, timestamp) => {
        this.count++;
        split.collect(record, timestamp);
      },
      emitWatermark: (watermark) => split.emitWatermark(watermark),
      markIdle: () => split.markIdle(),
      markActive: () => split.markActive(),
    };
  }

  releaseOutputForSplit(splitId: string): void {
    this.inner.releaseOutputForSplit(splitId);
  }
}
