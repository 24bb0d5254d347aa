import type { ReaderOutput, SourceReader, SourceReaderContext, SourceSplit, SplitEnumerator, SplitEnumeratorContext } from '../source';
import { InputStatus } from '../source';
import { SplitQueue } from './split-queue';

/** Indexes [next, end) still to read (Flink's NumberSequenceSplit, with the position folded into `next`). */
export interface IndexRangeSplit extends SourceSplit {
  readonly next: number;
  readonly end: number;
}

/** [0, count) in `parts` contiguous ranges of sizes differing by at most one, as splits `0`, `1`, ... */
export function splitIndexRange(from: number, endExclusive: number, parts: number): IndexRangeSplit[] {
  const total = Math.max(0, endExclusive - from);
  const n = Math.max(1, Math.min(parts, total));
  const base = Math.floor(total / n);
  const extra = total % n;
  const splits: IndexRangeSplit[] = [];
  let next = from;
  for (let i = 0; i < n; i++) {
    const end = next + base + (i < extra ? 1 : 0);
    if (end > next) splits.push({ splitId: String(i), next, end });
    next = end;
  }
  return splits;
}

/**
 * Hands out a fixed set of splits on request (Flink's IteratorSourceEnumerator): the splits not yet
 * assigned are its checkpoint; a reader that asks when none are left is told there are no more.
 * Reader i gets the split with id `i` while that one is unassigned (then the first one left), so
 * which reader reads which range does not depend on the order their requests arrive in (as the
 * legacy generator, whose subtask i read range i).
 */
export class IteratorSourceEnumerator<SplitT extends SourceSplit> implements SplitEnumerator<SplitT, SplitT[]> {
  private readonly remaining: SplitT[];

  constructor(private readonly context: SplitEnumeratorContext<SplitT>, splits: readonly SplitT[]) {
    this.remaining = [...splits];
  }

  start(): void {}

  handleSplitRequest(subtaskId: number): void {
    const own = this.remaining.findIndex((s) => s.splitId === String(subtaskId));
    const split = this.remaining.splice(own >= 0 ? own : 0, 1)[0];
    if (split) this.context.assignSplit(split, subtaskId);
    else this.context.signalNoMoreSplits(subtaskId);
  }

  addSplitsBack(splits: readonly SplitT[]): void {
    this.remaining.unshift(...splits);
  }

  addReader(): void {
    // Readers ask for splits themselves (handleSplitRequest).
  }

  snapshotState(): SplitT[] {
    return [...this.remaining];
  }

  close(): void {}
}

/**
 * Reads index-range splits one after the other, mapping each index to a record (Flink's
 * IteratorSourceReader over NumberSequenceSplits), up to the task's batch per poll: asks for a split at start and whenever it
 * finished one, and ends once the enumerator has no more. Its snapshot is the current split at the
 * next index to emit, then the splits it has not started.
 */
export class IndexRangeSourceReader<T> implements SourceReader<T, IndexRangeSplit> {
  readonly hotMethods = ['emitRange'];
  private current?: { splitId: string; next: number; end: number };
  private readonly splits: SplitQueue<IndexRangeSplit>;

  constructor(
    context: SourceReaderContext,
    private readonly map: (index: number) => T,
  ) {
    this.splits = new SplitQueue(context);
  }

  start(): void {
    if (!this.current && this.splits.queued.length === 0) this.splits.request();
  }

  pollNext(output: ReaderOutput<T>, maxRecords = 1): InputStatus {
    const c = this.current ?? this.takeNext();
    if (c) {
      const end = Math.min(c.end, c.next + Math.max(1, maxRecords));
      this.emitRange(output, c.next, end);
      c.next = end;
      if (c.next >= c.end) {
        this.current = undefined;
        // Asked at once (as Flink's IteratorSourceReader): a caller that waits before its next poll
        // (a rate limit) must not wait for a split nobody requested.
        if (this.splits.queued.length === 0) this.splits.request();
      }
      return InputStatus.MORE_AVAILABLE;
    }
    if (this.splits.noMoreSplits) return InputStatus.END_OF_INPUT;
    this.splits.request();
    return InputStatus.NOTHING_AVAILABLE;
  }

  /** The per-record loop (a hot method: the task compiles a copy per reader). */
  emitRange(output: ReaderOutput<T>, from: number, end: number): void {
    const map = this.map;
    for (let i = from; i < end; i++) output.collect(map(i));
  }

  private takeNext(): { splitId: string; next: number; end: number } | undefined {
    while (this.splits.queued.length > 0) {
      const s = this.splits.queued.shift()!;
      if (s.next < s.end) return (this.current = { splitId: s.splitId, next: s.next, end: s.end });
    }
    return undefined;
  }

  isAvailable(): Promise<void> {
    if (this.current || this.splits.queued.length > 0 || this.splits.noMoreSplits) return Promise.resolve();
    this.splits.request();
    return this.splits.next();
  }

  addSplits(splits: readonly IndexRangeSplit[]): void {
    this.splits.add(splits);
  }

  notifyNoMoreSplits(): void {
    this.splits.signalNoMore();
  }

  snapshotState(): IndexRangeSplit[] {
    const c = this.current;
    return [...(c && c.next < c.end ? [{ splitId: c.splitId, next: c.next, end: c.end }] : []), ...this.splits.queued.map((s) => ({ ...s }))];
  }

  close(): void {
    this.splits.wake();
  }
}
