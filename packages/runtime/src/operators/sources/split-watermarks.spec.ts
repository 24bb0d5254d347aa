import {
  Boundedness,
  IndexRangeSourceReader,
  InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceSplit,
  type WatermarkStrategyLike,
} from '@flott/core';
import { OutputEvent } from '../testing/recording-output';
import { SourceOperatorTestHarness } from '../testing/operator-test-harness';
import { SourceReaderOperator } from './source-reader-operator';

type Step = (out: ReaderOutput<string>) => void;

/** A source whose one reader runs scripted steps, one per poll, through per-split outputs. */
function scriptedSource(steps: Step[]): Source<string, SourceSplit, unknown> {
  const reader: SourceReader<string, SourceSplit> = {
    start() {},
    pollNext(out) {
      const step = steps.shift();
      if (!step) return InputStatus.END_OF_INPUT;
      step(out);
      return InputStatus.MORE_AVAILABLE;
    },
    isAvailable: () => Promise.resolve(),
    addSplits() {},
    notifyNoMoreSplits() {},
    snapshotState: () => [],
    close() {},
  };
  return {
    getBoundedness: () => Boundedness.BOUNDED,
    createReader: () => reader,
    createEnumerator: () => { throw new Error('not used'); },
    restoreEnumerator: () => { throw new Error('not used'); },
  };
}

/** Punctuated: every record's timestamp is its split's watermark. */
const PUNCTUATED: WatermarkStrategyLike<string> = {
  createWatermarkGenerator: () => ({ onEvent: (_e, ts, out) => out.emitWatermark(ts), onPeriodicEmit() {} }),
  createTimestampAssigner: () => undefined,
};

describe('split-local watermarks', () => {
  it("the reader's watermark is the minimum over its active splits; a released split no longer holds it back; all idle makes it idle", async () => {
    const split: Record<string, ReturnType<ReaderOutput<string>['createOutputForSplit']>> = {};
    const steps: Step[] = [
      (out) => {
        split.a = out.createOutputForSplit('a');
        split.b = out.createOutputForSplit('b');
        split.a.collect('a1', 100);
      },
      () => split.b.collect('b1', 10),
      () => split.a.collect('a2', 200),
      () => split.b.collect('b2', 20),
      (out) => out.releaseOutputForSplit('b'),
      () => split.a.markIdle(),
    ];
    const h = new SourceOperatorTestHarness(new SourceReaderOperator(scriptedSource(steps), { strategy: PUNCTUATED, autoWatermarkIntervalMs: 0 }));
    await h.open();
    expect(h.pollNext(10)).toBe(InputStatus.END_OF_INPUT);
    expect(h.output.log).toEqual([
      OutputEvent.record('a1', 100),
      OutputEvent.record('b1', 10),
      OutputEvent.watermark(10),
      OutputEvent.record('a2', 200),
      OutputEvent.record('b2', 20),
      OutputEvent.watermark(20),
      OutputEvent.watermark(200),
      OutputEvent.idle(),
    ]);
  });

  it('a reader restored with several splits reads them one by one, and the first does not make the others late', async () => {
    // What a savepoint of two readers gives one reader at a lower parallelism: split 1 (later records) before split 0.
    const source: Source<string, SourceSplit, unknown> = {
      getBoundedness: () => Boundedness.BOUNDED,
      createReader: (context) => {
        const reader = new IndexRangeSourceReader(context, (i) => String(i));
        reader.addSplits([{ splitId: '1', next: 50, end: 53 }, { splitId: '0', next: 3, end: 6 }]);
        reader.notifyNoMoreSplits();
        return reader as SourceReader<string, SourceSplit>;
      },
      createEnumerator: () => { throw new Error('not used'); },
      restoreEnumerator: () => { throw new Error('not used'); },
    };
    const byValue: WatermarkStrategyLike<string> = { ...PUNCTUATED, createTimestampAssigner: () => (record) => Number(record) };
    const h = new SourceOperatorTestHarness(new SourceReaderOperator(source, { strategy: byValue, autoWatermarkIntervalMs: 0 }));
    await h.open();
    while (h.pollNext(2) !== InputStatus.END_OF_INPUT);
    expect(h.output.log).toEqual([
      // Split 0, not started yet, holds the watermark back while split 1 is read.
      ...['50', '51', '52'].map((r) => OutputEvent.record(r, Number(r))),
      ...[3, 4, 5].flatMap((t) => [OutputEvent.record(String(t), t), OutputEvent.watermark(t)]),
    ]);
  });
});
