import { InputStatus, type ReaderOutput, type SourceOutput, type SourceReader, type SourceReaderContext, type SourceSplit } from '../source';
import { SplitQueue } from './split-queue';

/**
 * A reader that reads its splits one after the other and computes its records without waiting for
 * I/O (a small part of Flink's SourceReaderBase): it asks for a split at start and as soon as it
 * finished one, emits up to the task's batch per poll, ends once the enumerator has no more, and
 * snapshots the split it is in at its position, then the splits it has not started. A subclass says
 * how a split is opened, emitted and positioned (`OpenT` is its state while reading one).
 *
 * Each split it holds emits through its own output (`createOutputForSplit`, released when the split
 * is done), so with a watermark strategy the reader's watermark is the minimum over its splits: a
 * reader restored with several splits (at a lower parallelism) reads them one after the other, and
 * the split it reads first must not make the records of those it has not started late.
 */
export abstract class SequentialSplitReader<T, SplitT extends SourceSplit, OpenT> implements SourceReader<T, SplitT> {
  protected readonly splits: SplitQueue<SplitT>;
  private current?: OpenT;
  private currentSplitId = '';
  private currentOutput?: SourceOutput<T>;
  /** The outputs of the splits held (queued and current), created through `outputsOf`. */
  private readonly splitOutputs = new Map<string, SourceOutput<T>>();
  private outputsOf?: ReaderOutput<T>;
  /** Splits were added since the outputs were last made. */
  private newSplits = false;

  constructor(context: SourceReaderContext) {
    this.splits = new SplitQueue(context);
  }

  /** Starts reading `split`; undefined when nothing is left of it. */
  protected abstract openSplit(split: SplitT): OpenT | undefined;

  /** Emits up to `max` (≥ 1) records of `open` to its split's output; true when it has no more. */
  protected abstract emit(output: SourceOutput<T>, open: OpenT, max: number): boolean;

  /** `open` as a split at its current position (what a restore resumes). */
  protected abstract positionOf(open: OpenT): SplitT;

  /** The reader closes while reading `open` (a subclass frees what it holds). */
  protected abandon(_open: OpenT): void {}

  start(): void {
    if (this.current === undefined && this.splits.queued.length === 0) this.splits.request();
  }

  pollNext(output: ReaderOutput<T>, maxRecords = 1): InputStatus {
    if (this.newSplits || output !== this.outputsOf) this.makeSplitOutputs(output);
    const c = this.current ?? this.openNext(output);
    if (c === undefined) {
      if (this.splits.noMoreSplits) return InputStatus.END_OF_INPUT;
      this.splits.request();
      return InputStatus.NOTHING_AVAILABLE;
    }
    if (this.emit(this.currentOutput!, c, Math.max(1, maxRecords))) {
      this.current = undefined;
      this.releaseOutput(output, this.currentSplitId);
      // Asked at once (as Flink's IteratorSourceReader): a caller that waits before its next poll
      // (a rate limit) must not wait for a split nobody requested.
      if (this.splits.queued.length === 0) this.splits.request();
    }
    return InputStatus.MORE_AVAILABLE;
  }

  /** An output for every split held that has none from `output` (all of them when the reader's output changed). */
  private makeSplitOutputs(output: ReaderOutput<T>): void {
    if (output !== this.outputsOf) {
      this.splitOutputs.clear();
      this.outputsOf = output;
      if (this.current !== undefined) {
        this.currentOutput = output.createOutputForSplit(this.currentSplitId);
        this.splitOutputs.set(this.currentSplitId, this.currentOutput);
      }
    }
    this.newSplits = false;
    for (const split of this.splits.queued) {
      if (!this.splitOutputs.has(split.splitId)) this.splitOutputs.set(split.splitId, output.createOutputForSplit(split.splitId));
    }
  }

  private releaseOutput(output: ReaderOutput<T>, splitId: string): void {
    this.splitOutputs.delete(splitId);
    this.currentOutput = undefined;
    output.releaseOutputForSplit(splitId);
  }

  private openNext(output: ReaderOutput<T>): OpenT | undefined {
    while (this.splits.queued.length > 0) {
      const split = this.splits.queued.shift()!;
      const open = this.openSplit(split);
      if (open === undefined) {
        this.releaseOutput(output, split.splitId);
        continue;
      }
      this.currentSplitId = split.splitId;
      this.currentOutput = this.splitOutputs.get(split.splitId) ?? output.createOutputForSplit(split.splitId);
      this.splitOutputs.set(split.splitId, this.currentOutput);
      return (this.current = open);
    }
    return undefined;
  }

  isAvailable(): Promise<void> {
    if (this.current !== undefined || this.splits.queued.length > 0 || this.splits.noMoreSplits) return Promise.resolve();
    this.splits.request();
    return this.splits.next();
  }

  addSplits(splits: readonly SplitT[]): void {
    this.splits.add(splits);
    this.newSplits = true;
  }

  notifyNoMoreSplits(): void {
    this.splits.signalNoMore();
  }

  snapshotState(): SplitT[] {
    const c = this.current;
    return [...(c === undefined ? [] : [this.positionOf(c)]), ...this.splits.queued.map((s) => ({ ...s }))];
  }

  close(): void {
    const c = this.current;
    this.current = undefined;
    if (c !== undefined) this.abandon(c);
    this.splits.wake();
  }
}
