import { EventTimeSessionWindows, MergingWindowAssigner, ProcessingTimeSessionWindows, mergeTimeWindows, mergesIntersectingTimeWindows, type MergeCallback, type TimeWindow } from '@flott/core';
import { InMemoryKeyedStateBackend } from '../testing/in-memory-keyed-state-backend';
import { MergingWindowSet, type MergeFunction } from './merging-window-set';

/** The session assigner's merge rule behind an override, so the set takes its general path. */
function generalSessions(gap: number): MergingWindowAssigner<unknown, TimeWindow> {
  const assigner = Object.create(EventTimeSessionWindows.withGap(gap)) as MergingWindowAssigner<unknown, TimeWindow>;
  assigner.mergeWindows = (windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void => mergeTimeWindows(windows, callback);
  return assigner;
}

/** A deterministic pseudo-random sequence (xorshift32). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const names = (windows: readonly TimeWindow[]): string => windows.map(String).sort().join(' ');

/** A set of key 1 that records each merge its additions cause. */
function recordingSet(assigner: MergingWindowAssigner<unknown, TimeWindow>) {
  const backend = new InMemoryKeyedStateBackend();
  backend.setCurrentKey(1);
  const set = new MergingWindowSet<TimeWindow>(assigner, backend);
  const merges: string[] = [];
  const merge: MergeFunction<TimeWindow> = (result, merged, stateWindow, mergedStateWindows) => {
    merges.push(`${String(result)} <- ${names(merged)}; state ${String(stateWindow)} + ${names(mergedStateWindows)}`);
  };
  return {
    merges,
    add(window: TimeWindow): string {
      const s = set.load();
      const actual = s.addWindow(window, merge);
      const stateWindow = s.getStateWindow(actual);
      s.persist();
      return `${String(actual)} in ${String(stateWindow)}`;
    },
    windows(): string {
      const pairs = (backend.get({ name: 'merging-window-set', kind: 'value' }) ?? []) as TimeWindow[];
      const out: string[] = [];
      for (let i = 0; i < pairs.length; i += 2) out.push(`${String(pairs[i])}->${String(pairs[i + 1])}`);
      return out.sort().join(' ');
    },
  };
}

describe('MergingWindowSet', () => {
  it('merges one new window of a session assigner directly only while the assigner merges by its own rule', () => {
    expect(mergesIntersectingTimeWindows(EventTimeSessionWindows.withGap(10))).toBe(true);
    expect(mergesIntersectingTimeWindows(EventTimeSessionWindows.withDynamicGap(() => 10))).toBe(true);
    expect(mergesIntersectingTimeWindows(ProcessingTimeSessionWindows.withGap(10))).toBe(true);
    expect(mergesIntersectingTimeWindows(generalSessions(10))).toBe(false);
  });

  it('gives what the general merge gives, window by window: results, state windows, merges and the stored set', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = random(seed);
      const gap = 5 + Math.floor(next() * 25);
      const direct = recordingSet(EventTimeSessionWindows.withGap(gap));
      const general = recordingSet(generalSessions(gap));
      const assigner = EventTimeSessionWindows.withGap(gap);
      for (let i = 0; i < 60; i++) {
        const [window] = assigner.assignWindows(undefined, Math.floor(next() * 300));
        expect(direct.add(window)).toBe(general.add(window));
        expect(direct.windows()).toBe(general.windows());
      }
      expect(direct.merges).toEqual(general.merges);
    }
  });

  it('covers each case: a window apart, one inside a session, one extending it, and one that bridges two sessions', () => {
    const assigner = EventTimeSessionWindows.withGap(10);
    const set = recordingSet(assigner);
    const at = (t: number): TimeWindow => assigner.assignWindows(undefined, t)[0];
    expect(set.add(at(0))).toBe('TimeWindow{start=0, end=10} in TimeWindow{start=0, end=10}');
    expect(set.add(at(15))).toBe('TimeWindow{start=15, end=25} in TimeWindow{start=15, end=25}');
    expect(set.add(at(17))).toBe('TimeWindow{start=15, end=27} in TimeWindow{start=15, end=25}');
    expect(set.add(at(16))).toBe('TimeWindow{start=15, end=27} in TimeWindow{start=15, end=25}');
    expect(set.add(at(8))).toBe('TimeWindow{start=0, end=27} in TimeWindow{start=0, end=10}');
    expect(set.merges).toEqual([
      'TimeWindow{start=15, end=27} <- TimeWindow{start=15, end=25}; state TimeWindow{start=15, end=25} + ',
      'TimeWindow{start=0, end=27} <- TimeWindow{start=0, end=10} TimeWindow{start=15, end=27}; state TimeWindow{start=0, end=10} + TimeWindow{start=15, end=25}',
    ]);
    expect(set.windows()).toBe('TimeWindow{start=0, end=27}->TimeWindow{start=0, end=10}');
  });
});
