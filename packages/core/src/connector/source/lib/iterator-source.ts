import type { SourceOutput, SourceReaderContext, SourceSplit, SplitEnumerator, SplitEnumeratorContext } from '../source';
import { SequentialSplitReader } from './sequential-split-reader';

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
 * Splits go out first-come first-served in their order, as Flink's: a reader that asks again gets a
 * later range than the one it read, so the records each reader emits keep the splits' order (event
 * time assigned after the source rises within a subtask). Which reader reads which range depends on
 * the order the requests arrive in; a fast reader may read several.
 */
export class IteratorSourceEnumerator<SplitT extends SourceSplit> implements SplitEnumerator<SplitT, SplitT[]> {
  private readonly remaining: SplitT[];

  constructor(private readonly context: SplitEnumeratorContext<SplitT>, splits: readonly SplitT[]) {
    this.remaining = [...splits];
  }

  start(): void {}

  handleSplitRequest(subtaskId: number): void {
    const split = this.remaining.shift();
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

/** The split being read: its id and the indexes [next, end) still to emit. */
interface OpenRange {
  readonly splitId: string;
  next: number;
  readonly end: number;
}

/**
 * Reads index-range splits one after the other, mapping each index to a record (Flink's
 * IteratorSourceReader over NumberSequenceSplits), up to the task's batch per poll. Its snapshot is
 * the current split at the next index to emit, then the splits it has not started.
 */
export class IndexRangeSourceReader<T> extends SequentialSplitReader<T, IndexRangeSplit, OpenRange> {
  readonly hotMethods = ['emitRange'];

  constructor(
    context: SourceReaderContext,
    private readonly map: (index: number) => T,
  ) {
    super(context);
  }

  protected openSplit(split: IndexRangeSplit): OpenRange | undefined {
    return split.next < split.end ? { splitId: split.splitId, next: split.next, end: split.end } : undefined;
  }

  protected emit(output: SourceOutput<T>, c: OpenRange, max: number): boolean {
    const end = Math.min(c.end, c.next + max);
    this.emitRange(output, c.next, end);
    c.next = end;
    return end >= c.end;
  }

  /** The per-record loop (a hot method: the task compiles a copy per reader). */
  emitRange(output: SourceOutput<T>, from: number, end: number): void {
    const map = this.map;
    for (let i = from; i < end; i++) output.collect(map(i));
  }

  protected positionOf(c: OpenRange): IndexRangeSplit {
    return { splitId: c.splitId, next: c.next, end: c.end };
  }
}
