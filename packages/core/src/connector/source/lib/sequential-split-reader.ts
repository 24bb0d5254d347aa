import { InputStatus, type ReaderOutput, type SourceReader, type SourceReaderContext, type SourceSplit } from '../source';
import { SplitQueue } from './split-queue';

/**
 * A reader that reads its splits one after the other and computes its records without waiting for
 * I/O (a small part of Flink's SourceReaderBase): it asks for a split at start and as soon as it
 * finished one, emits up to the task's batch per poll, ends once the enumerator has no more, and
 * snapshots the split it is in at its position, then the splits it has not started. A subclass says
 * how a split is opened, emitted and positioned (`OpenT` is its state while reading one).
 */
export abstract class SequentialSplitReader<T, SplitT extends SourceSplit, OpenT> implements SourceReader<T, SplitT> {
  protected readonly splits: SplitQueue<SplitT>;
  private current?: OpenT;

  constructor(context: SourceReaderContext) {
    this.splits = new SplitQueue(context);
  }

  /** Starts reading `split`; undefined when nothing is left of it. */
  protected abstract openSplit(split: SplitT): OpenT | undefined;

  /** Emits up to `max` (≥ 1) records of `open`; true when it has no more. */
  protected abstract emit(output: ReaderOutput<T>, open: OpenT, max: number): boolean;

  /** `open` as a split at its current position (what a restore resumes). */
  protected abstract positionOf(open: OpenT): SplitT;

  /** The reader closes while reading `open` (a subclass frees what it holds). */
  protected abandon(_open: OpenT): void {}

  start(): void {
    if (this.current === undefined && this.splits.queued.length === 0) this.splits.request();
  }

  pollNext(output: ReaderOutput<T>, maxRecords = 1): InputStatus {
    const c = this.current ?? this.openNext();
    if (c === undefined) {
      if (this.splits.noMoreSplits) return InputStatus.END_OF_INPUT;
      this.splits.request();
      return InputStatus.NOTHING_AVAILABLE;
    }
    if (this.emit(output, c, Math.max(1, maxRecords))) {
      this.current = undefined;
      // Asked at once (as Flink's IteratorSourceReader): a caller that waits before its next poll
      // (a rate limit) must not wait for a split nobody requested.
      if (this.splits.queued.length === 0) this.splits.request();
    }
    return InputStatus.MORE_AVAILABLE;
  }

  private openNext(): OpenT | undefined {
    while (this.splits.queued.length > 0) {
      const open = this.openSplit(this.splits.queued.shift()!);
      if (open !== undefined) return (this.current = open);
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
