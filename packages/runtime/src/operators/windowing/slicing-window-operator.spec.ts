import {
  CountTrigger,
  MAX_WATERMARK,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  type AggregateFunction,
  type TimeWindow,
  type WindowAssigner,
} from '@flott/core';
import { OneInputOperatorTestHarness } from '../testing/operator-test-harness';
import { differencesAcrossRestores, runUninterrupted, runWithRestore, type HarnessScript, type HarnessStep } from '../testing/scripted-runs';
import type { OneInputStreamOperator } from '../stream-operator';
import { aggregatingContents, reducingContents } from './window-contents';
import {
  internalProcessWindowFunction,
  passThroughWindowFunction,
  type InternalWindowFunction,
} from './internal-window-functions';
import { createWindowOperator, slicingGeometry } from './window-operator-factory';
import { SlicingWindowOperator } from './slicing-window-operator';
import { WindowOperator } from './window-operator';

type Ev = { key: number; v: number };
type Step = { kind: 'e'; e: Ev; ts: number } | { kind: 'w'; wm: number };

/** Seeded input: keys 0..4, out-of-order timestamps (bounded by 15), a bounded out-of-orderness watermark every few records. */
function scenario(seed: number, n: number, lateness = 15): Step[] {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const steps: Step[] = [];
  let maxTs = -50;
  for (let i = 0; i < n; i++) {
    const ts = -50 + Math.floor(i / 2) + Math.floor(rnd() * 30) - 15;
    steps.push({ kind: 'e', e: { key: Math.floor(rnd() * 5), v: Math.floor(rnd() * 100) }, ts });
    maxTs = Math.max(maxTs, ts);
    if (i % 7 === 6) steps.push({ kind: 'w', wm: maxTs - lateness - 1 });
  }
  steps.push({ kind: 'w', wm: MAX_WATERMARK });
  return steps;
}

async function run(op: OneInputStreamOperator<Ev, string>, steps: Step[]): Promise<{ main: string[]; late: unknown[] }> {
  const h = new OneInputOperatorTestHarness<Ev, string>(op, { keySelector: (e: Ev) => e.key });
  await h.open();
  for (const st of steps) {
    if (st.kind === 'e') h.processElement(st.e, st.ts);
    else h.processWatermark(st.wm);
  }
  await h.close();
  return { main: h.output.records.map((r) => `${r.value}@${r.timestamp}`), late: h.output.sideValues('late') };
}

const avg: AggregateFunction<Ev, [number, number], number> = {
  createAccumulator: () => [0, 0],
  add: (e, acc) => [acc[0] + e.v, acc[1] + 1],
  getResult: (acc) => acc[0] / acc[1],
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

const describeWindow: InternalWindowFunction<number, string, unknown, TimeWindow> = {
  process: (key, w, _c, input, out) => {
    for (const x of input) out.collect(`${String(key)}[${w.start},${w.end})=${x}`);
  },
  clear: () => {},
  userFunctions: [],
};

describe('window slicing', () => {
  it.each([
    [10, 2, 0],
    [10, 4, 0],
    [10, 4, 3],
    [6, 6, -2],
    [7, 3, 1],
    [3, 5, 0],
  ])('size %d slide %d offset %d: same results and late data as the naive operator', async (size, slide, offset) => {
    const assigner = (slide === size ? TumblingEventTimeWindows.of(size, offset) : SlidingEventTimeWindows.of(size, slide, offset)) as WindowAssigner<Ev, TimeWindow>;
    for (const seed of [1, 7, 42]) {
      const steps = scenario(seed, 400);
      const options = { assigner, contents: aggregatingContents(avg), windowFunction: describeWindow, lateDataOutputTag: 'late' };
      const sliced = createWindowOperator(options);
      const naive = createWindowOperator(options, { slicing: false });
      expect(sliced).toBeInstanceOf(SlicingWindowOperator);
      expect(naive).toBeInstanceOf(WindowOperator);
      const a = await run(sliced, steps);
      const b = await run(naive, steps);
      expect(a.main.length).toBeGreaterThan(50);
      expect(a.main.sort()).toEqual(b.main.sort());
      expect(a.late).toEqual(b.late);
    }
  });

  it('equals a batch group-by when nothing is late, for reduce', async () => {
    const steps = scenario(3, 300, 1000);
    const op = createWindowOperator({
      assigner: SlidingEventTimeWindows.of(10, 2) as WindowAssigner<Ev, TimeWindow>,
      contents: reducingContents<Ev>((x, y) => ({ key: x.key, v: x.v + y.v })),
      windowFunction: internalProcessWindowFunction<Ev, string, number, TimeWindow>((k, ctx, els, out) => {
        for (const e of els) out.collect(`${k}[${ctx.window().start}]=${e.v}`);
      }),
    });
    const { main, late } = await run(op, steps);
    const expected = new Map<string, number>();
    for (const st of steps) {
      if (st.kind !== 'e') continue;
      for (let start = Math.floor(st.ts / 2) * 2; start > st.ts - 10; start -= 2) {
        const id = `${st.e.key}[${start}]`;
        expected.set(id, (expected.get(id) ?? 0) + st.e.v);
      }
    }
    expect(late).toEqual([]);
    expect(main.map((m) => m.replace(/@.*/, '')).sort()).toEqual([...expected].map(([id, v]) => `${id}=${v}`).sort());
  });

  it('keeps no state or timers after the last window', async () => {
    const op = createWindowOperator({ assigner: SlidingEventTimeWindows.of(10, 3) as WindowAssigner<Ev, TimeWindow>, contents: aggregatingContents(avg), windowFunction: passThroughWindowFunction<number>() });
    const h = new OneInputOperatorTestHarness<Ev, number>(op, { keySelector: (e: Ev) => e.key });
    await h.open();
    for (const st of scenario(5, 200)) {
      if (st.kind === 'e') h.processElement(st.e, st.ts);
      else h.processWatermark(st.wm);
    }
    expect(h.numTimers()).toBe(0);
    expect(h.keyedStateBackend!.numEntries()).toBe(0);
  });

  it('restored from a mid-run snapshot into a new operator, at every step, equals the uninterrupted run (slices and their timers)', async () => {
    const steps: Array<HarnessStep<Ev>> = scenario(11, 60).map((st) => (st.kind === 'e' ? { element: st.e, timestamp: st.ts } : { watermark: st.wm }));
    const script = (size: number, slide: number): HarnessScript<Ev> => ({
      create: (subtaskIndex, parallelism) => {
        const assigner = (slide === size ? TumblingEventTimeWindows.of(size) : SlidingEventTimeWindows.of(size, slide)) as WindowAssigner<Ev, TimeWindow>;
        const op = createWindowOperator({ assigner, contents: aggregatingContents(avg), windowFunction: describeWindow, lateDataOutputTag: 'late' });
        expect(op).toBeInstanceOf(SlicingWindowOperator);
        return new OneInputOperatorTestHarness<Ev, string>(op, { keySelector: (e: Ev) => e.key, subtaskIndex, parallelism }) as OneInputOperatorTestHarness<Ev, unknown>;
      },
      steps,
      keyOf: (e) => e.key,
    });
    for (const [size, slide] of [[10, 4], [6, 6]]) {
      const s = script(size, slide);
      const uninterrupted = await runUninterrupted(s);
      expect(uninterrupted.length).toBeGreaterThan(20);
      expect(await differencesAcrossRestores(s)).toEqual([]);
      // Rescaled: two subtasks into one, one into three.
      const records = uninterrupted.filter((l) => !l.startsWith('wm ')).sort();
      for (const splitAt of [23, 41]) {
        expect(await runWithRestore(s, { splitAt, before: 2, after: 1 })).toEqual(records);
        expect(await runWithRestore(s, { splitAt, before: 1, after: 3 })).toEqual(records);
      }
    }
  });

  it('applies only to the default trigger, no evictor, no lateness and incremental contents', () => {
    const base = { assigner: SlidingEventTimeWindows.of(10, 2) as WindowAssigner<Ev, TimeWindow>, contents: aggregatingContents(avg), windowFunction: describeWindow };
    expect(slicingGeometry(base)).toEqual({ size: 10, slide: 2, offset: 0 });
    expect(slicingGeometry({ ...base, allowedLateness: 5 })).toBeUndefined();
    expect(slicingGeometry({ ...base, trigger: CountTrigger.of(2) })).toBeUndefined();
  });
});
