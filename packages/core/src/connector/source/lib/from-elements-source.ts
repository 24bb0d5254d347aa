import { Boundedness, type Source, type SourceOutput, type SourceReader, type SourceReaderContext, type SourceSplit, type SplitEnumerator,
  type SplitEnumeratorContext } from '../source';
import { IteratorSourceEnumerator } from './iterator-source';
import { SequentialSplitReader } from './sequential-split-reader';

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
export class ElementsSourceReader<T> extends SequentialSplitReader<T, ElementsSplit, OpenElements<T>> {
  readonly hotMethods = ['emitElements'];

  constructor(
    context: SourceReaderContext,
    private readonly elements: Iterable<T>,
  ) {
    super(context);
  }

  protected openSplit(split: ElementsSplit): OpenElements<T> | undefined {
    const c: OpenElements<T> = { splitId: split.splitId, iterator: this.elements[Symbol.iterator](), emitted: 0, exhausted: false };
    // A restored split: the elements emitted before the checkpoint are skipped, not emitted again.
    while (c.emitted < split.emitted) {
      if (c.iterator.next().done) return undefined;
      c.emitted++;
    }
    return c;
  }

  protected emit(output: SourceOutput<T>, c: OpenElements<T>, max: number): boolean {
    this.emitElements(output, c, max);
    return c.exhausted;
  }

  /** The per-record loop (a hot method: the task compiles a copy per reader). */
  emitElements(output: SourceOutput<T>, c: OpenElements<T>, max: number): void {
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

  protected positionOf(c: OpenElements<T>): ElementsSplit {
    return { splitId: c.splitId, emitted: c.emitted };
  }

  /** Lets a generator run its finally blocks when the source stops early. */
  protected override abandon(c: OpenElements<T>): void {
    if (!c.exhausted) c.iterator.return?.();
  }
}
