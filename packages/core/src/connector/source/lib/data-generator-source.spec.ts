import { JobBuildError } from '../../../errors';
import { Boundedness, InputStatus, type ReaderInfo, type ReaderOutput, type SourceOutput, type SplitEnumeratorContext } from '../source';
import type { IndexRangeSplit } from './iterator-source';
import { DataGeneratorSource, RateLimiterStrategy } from './data-generator-source';

/** A clock the test moves, with timers that fire when it passes them. */
class TestClock {
  now = 0;
  readonly timers: Array<{ at: number; fn: () => void; canceled: boolean }> = [];
  readonly clock = { currentTimeMillis: () => this.now, relativeTimeMillis: () => this.now };
  schedule = (delayMs: number, fn: () => void) => {
    const t = { at: this.now + delayMs, fn, canceled: false };
    this.timers.push(t);
    return { cancel: () => (t.canceled = true) };
  };
  advance(ms: number): void {
    this.now += ms;
    for (const t of this.timers.splice(0)) {
      if (t.canceled) continue;
      if (t.at <= this.now) t.fn();
      else this.timers.push(t);
    }
  }
}

function enumeratorContext(parallelism: number, assigned: Array<[number, IndexRangeSplit]>): SplitEnumeratorContext<IndexRangeSplit> {
  return {
    clock: { currentTimeMillis: () => 0, relativeTimeMillis: () => 0 },
    currentParallelism: () => parallelism,
    registeredReaders: () => new Map<number, ReaderInfo>(),
    assignSplit: (split, subtask) => void assigned.push([subtask, split]),
    assignSplits: (a) => {
      for (const [s, splits] of a) for (const split of splits) assigned.push([s, split]);
    },
    signalNoMoreSplits: () => {},
    sendEventToSourceReader: () => {},
    callAsync: () => {},
  };
}

function listOutput<T>(into: T[]): ReaderOutput<T> {
  const out: SourceOutput<T> = { collect: (r) => into.push(r), emitWatermark() {}, markIdle() {}, markActive() {} };
  return { ...out, createOutputForSplit: () => out, releaseOutputForSplit() {} };
}

describe('DataGeneratorSource', () => {
  it('generates generator(0) .. generator(count - 1) over index-range splits; bounded unless count is Infinity', () => {
    const assigned: Array<[number, IndexRangeSplit]> = [];
    const source = new DataGeneratorSource((i) => `r${i}`, 10);
    expect(source.getBoundedness()).toBe(Boundedness.BOUNDED);
    expect(new DataGeneratorSource((i) => i, Infinity).getBoundedness()).toBe(Boundedness.CONTINUOUS_UNBOUNDED);
    const enumerator = source.createEnumerator(enumeratorContext(2, assigned));
    enumerator.start();
    enumerator.handleSplitRequest(0);
    enumerator.handleSplitRequest(1);
    expect(assigned).toEqual([[0, { splitId: '0', next: 0, end: 5 }], [1, { splitId: '1', next: 5, end: 10 }]]);
    // A restored enumerator hands out what its checkpoint holds.
    const again: Array<[number, IndexRangeSplit]> = [];
    const restored = source.restoreEnumerator(enumeratorContext(1, again), [{ splitId: '1', next: 7, end: 10 }]);
    restored.start();
    restored.handleSplitRequest(0);
    expect(again).toEqual([[0, { splitId: '1', next: 7, end: 10 }]]);
  });

  it('refuses a count that is not an integer >= 0 or Infinity, and a rate that is not positive', () => {
    expect(() => new DataGeneratorSource((i) => i, -1)).toThrow(JobBuildError);
    expect(() => new DataGeneratorSource((i) => i, 1.5)).toThrow('count must be an integer >= 0 or Infinity, got 1.5');
    expect(() => RateLimiterStrategy.perSecond(0)).toThrow('the rate must be > 0, got 0');
    expect(() => RateLimiterStrategy.perSecond(Infinity)).toThrow(JobBuildError);
  });

  it('a rate-limited reader emits its share of the rate by the task clock, waits for a timer in between, and snapshots where it is', async () => {
    const time = new TestClock();
    const requests: number[] = [];
    // 100 records per second over 2 readers: this one emits one every 20 ms.
    const source = new DataGeneratorSource((i) => i * 10, 100, RateLimiterStrategy.perSecond(100));
    const reader = source.createReader({
      getIndexOfSubtask: () => 0,
      currentParallelism: () => 2,
      sendSplitRequest: () => void requests.push(1),
      sendSourceEventToCoordinator() {},
      clock: time.clock,
      schedule: time.schedule,
    });
    await reader.start();
    const out: number[] = [];
    const poll = () => reader.pollNext(listOutput(out), 256);
    // Polled while its split is still on the way: the pace starts with the first record, so the wait builds up no burst.
    expect(poll()).toBe(InputStatus.NOTHING_AVAILABLE);
    time.advance(1000);
    reader.addSplits([{ splitId: '0', next: 0, end: 50 }]);
    expect(poll()).toBe(InputStatus.MORE_AVAILABLE);
    expect(poll()).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(out).toEqual([0]);
    let woke = false;
    const available = reader.isAvailable().then(() => (woke = true));
    time.advance(19);
    await Promise.resolve();
    expect(woke).toBe(false);
    time.advance(1);
    await available;
    expect(poll()).toBe(InputStatus.MORE_AVAILABLE);
    expect(poll()).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(out).toEqual([0, 10]);
    // Behind schedule (the task was busy): everything due by now (records 0..4 at 80 ms) goes out at once.
    time.advance(60);
    while (poll() === InputStatus.MORE_AVAILABLE);
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(reader.snapshotState(1)).toEqual([{ splitId: '0', next: 5, end: 50 }]);
    await reader.close();
  });
});
