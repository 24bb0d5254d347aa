import { Boundedness, InputStatus, type ReaderOutput, type Source, type SourceReader, type SourceReaderContext, type SourceSplit,
  type SplitEnumerator, type SplitEnumeratorContext } from '../source';
import { IteratorSourceEnumerator } from './iterator-source';
import { SplitQueue } from './split-queue';

/** The whole collection, at the number of elements already emitted (Flink's FromElementsSource keeps that count too). */
export interface ElementsSplit extends SourceSplit {
  readonly emitted: number;
}

/**
 * The elements of an iterable in order (Flink 2.x's FromElementsSource, what `env.fromData`,
 * `fromElements` and `fromCollection` read; the environment runs it at parallelism 1). One split,
 * the whole collection; the reader iterates the iterable in the task, so a generator-backed or
 * endless iterable works and is consumed only there. A checkpoint keeps the number of elements
 * emitted; a restore skips that many, so the iterable must yield the same elements again (it is
 * rebuilt by the job's main in every process, as Flink deserialises its copy).
 */
export class FromElementsSource<T> implements Source<T, ElementsSplit, ElementsSplit[]> {
  constructor(private readonly elements: Iterable<T>) {}

  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  createReader(context: SourceReaderContext): SourceReader<T, ElementsSplit> {
    return new ElementsSourceReader(context, this.elements);
  }

  createEnumerator(context: SplitEnumeratorContext<ElementsSplit>): SplitEnumerator<ElementsSplit, ElementsSplit[]> {
    return new IteratorSourceEnumerator(context, [{ splitId: '0', emitted: 0 }]);
  }

  restoreEnumerator(context: SplitEnumeratorContext<ElementsSplit>, checkpoint: ElementsSplit[]): SplitEnumerator<ElementsSplit, ElementsSplit[]> {
    return new IteratorSourceEnumerator(context, checkpoint);
  }
}

/** The split being read: its iterator and how many elements of the collection went out. */
interface OpenElements<T> {
  readonly splitId: string;
  readonly iterator: Iterator<T>;
  emitted: number;
  exhausted: boolean;
}

/** Reads an ElementsSplit up to the task's batch per poll; see FromElementsSource. */
export class ElementsSourceReader<T> implements SourceReader<T, ElementsSplit> {
  readonly hotMethods = ['emitElements'];
  private current?: OpenElements<T>;
  private readonly splits: SplitQueue<ElementsSplit>;

  constructor(
    context: SourceReaderContext,
    private readonly elements: Iterable<T>,
  ) {
    this.splits = new SplitQueue(context);
  }

  start(): void {
    if (this.splits.queued.length === 0) this.splits.request();
  }

  pollNext(output: ReaderOutput<T>, maxRecords = 1): InputStatus {
    const c = this.current ?? this.openNext();
    if (!c) {
      if (this.splits.noMoreSplits) return InputStatus.END_OF_INPUT;
      this.splits.request();
      return InputStatus.NOTHING_AVAILABLE;
    }
    if (!c.exhausted) this.emitElements(output, c, Math.max(1, maxRecords));
    if (c.exhausted) {
      this.current = undefined;
      this.splits.request();
    }
    return InputStatus.MORE_AVAILABLE;
  }

  /** The per-record loop (a hot method: the task compiles a copy per reader). */
  emitElements(output: ReaderOutput<T>, c: OpenElements<T>, max: number): void {
    const iterator = c.iterator;
    for (let i = 0; i < max; i++) {
      const r = iterator.next();
      if (r.done) {
        c.exhausted = true;
        return;
      }
      c.emitted++;
      output.collect(r.value);
    }
  }

  private openNext(): OpenElements<T> | undefined {
    const split = this.splits.queued.shift();
    if (!split) return undefined;
    const c: OpenElements<T> = { splitId: split.splitId, iterator: this.elements[Symbol.iterator](), emitted: 0, exhausted: false };
    // A restored split: the elements emitted before the checkpoint are skipped, not emitted again.
    while (c.emitted < split.emitted && !c.exhausted) {
      if (c.iterator.next().done) c.exhausted = true;
      else c.emitted++;
    }
    return (this.current = c);
  }

  isAvailable(): Promise<void> {
    if (this.current || this.splits.queued.length > 0 || this.splits.noMoreSplits) return Promise.resolve();
    this.splits.request();
    return this.splits.next();
  }

  addSplits(splits: readonly ElementsSplit[]): void {
    this.splits.add(splits);
  }

  notifyNoMoreSplits(): void {
    this.splits.signalNoMore();
  }

  snapshotState(): ElementsSplit[] {
    const c = this.current;
    return [...(c && !c.exhausted ? [{ splitId: c.splitId, emitted: c.emitted }] : []), ...this.splits.queued.map((s) => ({ ...s }))];
  }

  close(): void {
    // Lets a generator run its finally blocks when the source stops early.
    const c = this.current;
    this.current = undefined;
    if (c && !c.exhausted) c.iterator.return?.();
    this.splits.wake();
  }
}
