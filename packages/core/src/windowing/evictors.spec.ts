import { Duration, Time } from '../duration';
import { NO_TIMESTAMP } from '../time/timestamps';
import { CountEvictor, DeltaEvictor, TimeEvictor } from './evictors';
import { TimeWindow, type TimestampedValue } from './windows';

const w = new TimeWindow(0, 100);
const ctx = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
const elems = (ts: number[]): TimestampedValue<string>[] => ts.map((t) => ({ value: `v${t}`, timestamp: t }));

describe('CountEvictor', () => {
  it('keeps the last maxCount elements, before or after the function', () => {
    const before = elems([5, 1, 9, 3, 7]);
    CountEvictor.of(2).evictBefore(before, before.length, w, ctx);
    expect(before.map((e) => e.value)).toEqual(['v3', 'v7']);
    const after = elems([5, 1, 9]);
    const ev = CountEvictor.of(1, true);
    ev.evictBefore(after, after.length, w, ctx);
    expect(after).toHaveLength(3);
    ev.evictAfter(after, after.length, w, ctx);
    expect(after.map((e) => e.value)).toEqual(['v9']);
  });
});

describe('TimeEvictor', () => {
  it('removes elements at or before newest - windowSize', () => {
    const list = elems([10, 50, 41, 40, 60, 45]);
    TimeEvictor.of(20).evictBefore(list, list.length, w, ctx);
    // newest 60, cutoff 40: 10 and 40 go.
    expect(list.map((e) => e.timestamp)).toEqual([50, 41, 60, 45]);
  });
  it('takes its size as milliseconds, Duration or Time', () => {
    for (const size of [20, Duration.ofMillis(20), Time.milliseconds(20)]) {
      const list = elems([10, 50, 41, 40, 60, 45]);
      TimeEvictor.of(size).evictBefore(list, list.length, w, ctx);
      expect(list.map((e) => e.timestamp)).toEqual([50, 41, 60, 45]);
    }
    expect(() => TimeEvictor.of(Duration.ofMillis(-1))).toThrow('TimeEvictor.of: windowSize: must not be negative, got PT-0.001S');
  });
  it('keeps elements without timestamps', () => {
    const list = [{ value: 'a', timestamp: NO_TIMESTAMP }, { value: 'b', timestamp: NO_TIMESTAMP }];
    TimeEvictor.of(0).evictBefore(list, list.length, w, ctx);
    expect(list).toHaveLength(2);
  });
});

describe('DeltaEvictor', () => {
  it('removes elements whose delta to the last element reaches the threshold', () => {
    const list = [1, 8, 4, 10].map((v) => ({ value: v, timestamp: 0 }));
    DeltaEvictor.of<number>(5, (a, b) => Math.abs(a - b)).evictBefore(list, list.length, w, ctx);
    expect(list.map((e) => e.value)).toEqual([8, 10]);
  });
});
