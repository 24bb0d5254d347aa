import type { Clock } from '../../../time/clock';
import { InputStatus, type ReaderInfo, type ReaderOutput, type SourceEvent, type SourceOutput, type SplitEnumeratorContext } from '../source';
import type { IndexRangeSplit } from './iterator-source';
import { splitIndexRange } from './iterator-source';
import { NumberSequenceSource } from './number-sequence-source';

const CLOCK: Clock = { currentTimeMillis: () => 0, relativeTimeMillis: () => 0 };

/** An enumerator context that records what the enumerator did. */
class RecordingEnumeratorContext implements SplitEnumeratorContext<IndexRangeSplit> {
  readonly assigned: Array<[number, IndexRangeSplit]> = [];
  readonly noMore: number[] = [];
  readonly clock = CLOCK;
  constructor(private readonly parallelism: number) {}
  currentParallelism(): number {
    return this.parallelism;
  }
  registeredReaders(): ReadonlyMap<number, ReaderInfo> {
    return new Map();
  }
  assignSplit(split: IndexRangeSplit, subtaskId: number): void {
    this.assigned.push([subtaskId, split]);
  }
  assignSplits(assignment: ReadonlyMap<number, readonly IndexRangeSplit[]>): void {
    for (const [s, splits] of assignment) for (const split of splits) this.assignSplit(split, s);
  }
  signalNoMoreSplits(subtaskId: number): void {
    this.noMore.push(subtaskId);
  }
  sendEventToSourceReader(_subtaskId: number, _event: SourceEvent): void {}
  callAsync(): void {}
}

function listOutput(into: number[]): ReaderOutput<number> {
  const out: SourceOutput<number> = { collect: (r) => into.push(r), emitWatermark() {}, markIdle() {}, markActive() {} };
  return { ...out, createOutputForSplit: () => out, releaseOutputForSplit() {} };
}

describe('splitIndexRange', () => {
  it('cuts a range into contiguous parts whose sizes differ by at most one, and never into empty ones', () => {
    expect(splitIndexRange(10, 21, 3)).toEqual([
      { splitId: '0', next: 10, end: 14 },
      { splitId: '1', next: 14, end: 18 },
      { splitId: '2', next: 18, end: 21 },
    ]);
    expect(splitIndexRange(0, 2, 4)).toEqual([{ splitId: '0', next: 0, end: 1 }, { splitId: '1', next: 1, end: 2 }]);
    expect(splitIndexRange(5, 5, 3)).toEqual([]);
  });
});

describe('NumberSequenceSource', () => {
  it('its enumerator hands the splits out in order to whichever reader asks (a reader asking again gets a later range, never an earlier one), then no more; its checkpoint is what is left', () => {
    const ctx = new RecordingEnumeratorContext(2);
    const e = new NumberSequenceSource(1, 10).createEnumerator(ctx);
    e.start();
    e.handleSplitRequest(1);
    expect(e.snapshotState(1)).toEqual([{ splitId: '1', next: 6, end: 11 }]);
    e.handleSplitRequest(1);
    e.handleSplitRequest(0);
    expect(ctx.assigned).toEqual([[1, { splitId: '0', next: 1, end: 6 }], [1, { splitId: '1', next: 6, end: 11 }]]);
    expect(ctx.noMore).toEqual([0]);
    e.addSplitsBack([{ splitId: '0', next: 4, end: 6 }], 1);
    expect(e.snapshotState(2)).toEqual([{ splitId: '0', next: 4, end: 6 }]);
  });

  it('its reader asks for a split, emits it in order, snapshots its position, and ends when told there are no more', async () => {
    let requests = 0;
    const reader = new NumberSequenceSource(0, 9).createReader({
      getIndexOfSubtask: () => 0,
      currentParallelism: () => 1,
      sendSplitRequest: () => requests++,
      sendSourceEventToCoordinator() {},
      clock: CLOCK,
      schedule: () => ({ cancel() {} }),
    });
    const out: number[] = [];
    reader.start();
    expect(requests).toBe(1);
    expect(reader.pollNext(listOutput(out))).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(requests).toBe(1); // one request in flight at a time
    const available = reader.isAvailable();
    reader.addSplits([{ splitId: '0', next: 0, end: 3 }, { splitId: '1', next: 7, end: 9 }]);
    await available;
    for (let i = 0; i < 4; i++) expect(reader.pollNext(listOutput(out))).toBe(InputStatus.MORE_AVAILABLE);
    expect(out).toEqual([0, 1, 2, 7]);
    expect(reader.snapshotState(1)).toEqual([{ splitId: '1', next: 8, end: 9 }]);
    expect(reader.pollNext(listOutput(out))).toBe(InputStatus.MORE_AVAILABLE);
    // The last split is done: the next one is asked for at once, not only at the next poll (a rate-limited caller waits first).
    expect(requests).toBe(2);
    expect(reader.pollNext(listOutput(out))).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(requests).toBe(2);
    reader.notifyNoMoreSplits();
    expect(reader.pollNext(listOutput(out))).toBe(InputStatus.END_OF_INPUT);
    expect(out).toEqual([0, 1, 2, 7, 8]);
  });

  it('rejects a range that ends before it starts', () => {
    expect(() => new NumberSequenceSource(5, 4)).toThrow("A number sequence's end (4) must not be below its start (5)");
  });
});
