import type { SourceReaderContext } from '../source';

/**
 * The split bookkeeping a reader that reads one split after another needs (a small part of Flink's
 * SourceReaderBase): the splits it was given and has not started, one split request in flight at a
 * time, the enumerator's "no more splits", and one waiter woken when any of them changes.
 */
export class SplitQueue<SplitT> {
  readonly queued: SplitT[] = [];
  private noMore = false;
  private awaitingSplit = false;
  private waiting?: () => void;

  constructor(private readonly context: SourceReaderContext) {}

  /** The enumerator said it will assign no more splits. */
  get noMoreSplits(): boolean {
    return this.noMore;
  }

  /** Asks the enumerator for a split, unless a request is in flight or no more will come. */
  request(): void {
    if (this.awaitingSplit || this.noMore) return;
    this.awaitingSplit = true;
    this.context.sendSplitRequest();
  }

  add(splits: readonly SplitT[]): void {
    this.queued.push(...splits);
    this.awaitingSplit = false;
    this.wake();
  }

  signalNoMore(): void {
    this.noMore = true;
    this.wake();
  }

  /** Resolves at the next `wake` (new splits, no more splits, or the reader's own progress). */
  next(): Promise<void> {
    return new Promise((resolve) => (this.waiting = resolve));
  }

  wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }
}
