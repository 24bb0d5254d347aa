import { InputStatus, type ReaderOutput, type SourceOutput, type SourceReaderContext } from '../source';
import { ElementsSourceReader, FromElementsSource } from './from-elements-source';

function context(requests: number[] = []): SourceReaderContext {
  return {
    getIndexOfSubtask: () => 0,
    currentParallelism: () => 1,
    sendSplitRequest: () => requests.push(1),
    sendSourceEventToCoordinator() {},
    clock: { currentTimeMillis: () => 0, relativeTimeMillis: () => 0 },
    schedule: () => ({ cancel() {} }),
  };
}

function listOutput<T>(into: T[]): ReaderOutput<T> {
  const out: SourceOutput<T> = { collect: (r) => into.push(r), emitWatermark() {}, markIdle() {}, markActive() {} };
  return { ...out, createOutputForSplit: () => out, releaseOutputForSplit() {} };
}

describe('FromElementsSource', () => {
  it('emits the elements in order, up to the batch per poll, then ends when no more splits come', () => {
    const requests: number[] = [];
    const reader = new ElementsSourceReader(context(requests), ['a', 'b', 'c', 'd', 'e']);
    reader.start();
    expect(requests).toEqual([1]);
    reader.addSplits([{ splitId: '0', emitted: 0 }]);
    const got: string[] = [];
    expect(reader.pollNext(listOutput(got), 2)).toBe(InputStatus.MORE_AVAILABLE);
    expect(got).toEqual(['a', 'b']);
    expect(reader.snapshotState()).toEqual([{ splitId: '0', emitted: 2 }]);
    expect(reader.pollNext(listOutput(got), 10)).toBe(InputStatus.MORE_AVAILABLE);
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(reader.snapshotState()).toEqual([]);
    reader.notifyNoMoreSplits();
    expect(reader.pollNext(listOutput(got), 10)).toBe(InputStatus.END_OF_INPUT);
  });

  it('a restored split skips the elements emitted before the checkpoint; a reader closed early ends its generator', () => {
    let finallyRan = false;
    const elements = {
      *[Symbol.iterator]() {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          finallyRan = true;
        }
      },
    };
    const reader = new ElementsSourceReader(context(), elements);
    reader.addSplits([{ splitId: '0', emitted: 3 }]);
    const got: number[] = [];
    reader.pollNext(listOutput(got), 4);
    expect(got).toEqual([3, 4, 5, 6]);
    expect(reader.snapshotState()).toEqual([{ splitId: '0', emitted: 7 }]);
    reader.close();
    expect(finallyRan).toBe(true);
  });

  it('is bounded, one split of the whole collection', () => {
    const assigned: unknown[] = [];
    const source = new FromElementsSource([1, 2]);
    const enumerator = source.createEnumerator({
      currentParallelism: () => 1,
      registeredReaders: () => new Map(),
      assignSplit: (split, subtask) => assigned.push([split, subtask]),
      assignSplits() {},
      signalNoMoreSplits: (subtask) => assigned.push(['none', subtask]),
      sendEventToSourceReader() {},
      callAsync() {},
      clock: { currentTimeMillis: () => 0, relativeTimeMillis: () => 0 },
    });
    enumerator.handleSplitRequest(0);
    enumerator.handleSplitRequest(0);
    expect(assigned).toEqual([[{ splitId: '0', emitted: 0 }, 0], ['none', 0]]);
    expect(source.getBoundedness()).toBe('BOUNDED');
  });
});
