import { JobBuildError } from '../../../errors';
import { Boundedness, type Source, type SourceReader, type SourceReaderContext, type SplitEnumerator, type SplitEnumeratorContext } from '../source';
import { IndexRangeSourceReader, IteratorSourceEnumerator, splitIndexRange, type IndexRangeSplit } from './iterator-source';

/**
 * The numbers from `from` to `to`, both inclusive (Flink's NumberSequenceSource, what
 * `env.fromSequence` reads): the range is cut into one split per reader at the first start, and
 * readers ask for splits as they finish them. Bounded.
 */
export class NumberSequenceSource implements Source<number, IndexRangeSplit, IndexRangeSplit[]> {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new JobBuildError(`A number sequence needs safe integers, got ${from} to ${to}`);
    if (to < from) throw new JobBuildError(`A number sequence's end (${to}) must not be below its start (${from})`);
  }

  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  createReader(context: SourceReaderContext): SourceReader<number, IndexRangeSplit> {
    return new IndexRangeSourceReader(context, (i) => i);
  }

  createEnumerator(context: SplitEnumeratorContext<IndexRangeSplit>): SplitEnumerator<IndexRangeSplit, IndexRangeSplit[]> {
    return new IteratorSourceEnumerator(context, splitIndexRange(this.from, this.to + 1, context.currentParallelism()));
  }

  restoreEnumerator(context: SplitEnumeratorContext<IndexRangeSplit>, checkpoint: IndexRangeSplit[]): SplitEnumerator<IndexRangeSplit, IndexRangeSplit[]> {
    return new IteratorSourceEnumerator(context, checkpoint);
  }
}
