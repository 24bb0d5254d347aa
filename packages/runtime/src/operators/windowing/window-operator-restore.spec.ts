import {
  CountEvictor,
  CountTrigger,
  EventTimeSessionWindows,
  GlobalWindows,
  MAX_WATERMARK,
  OutputTag,
  ProcessingTimeSessionWindows,
  PurgingTrigger,
  SlidingEventTimeWindows,
  TimeEvictor,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  ValueStateDescriptor,
  type AggregateFunction,
  type ProcessWindowContext,
  type TimeWindow,
  type Trigger,
  type Window,
  type WindowAssigner,
} from '@flott/core';
import { OneInputOperatorTestHarness } from '../testing/operator-test-harness';
import { differencesAcrossRestores, runUninterrupted, runWithRestore, type HarnessScript, type HarnessStep } from '../testing/scripted-runs';
import { aggregatingContents, evictingContents, identityFold, listContents, reducingContents, type WindowContents } from './window-contents';
import { internalProcessWindowFunction, passThroughWindowFunction } from './internal-window-functions';
import { WindowOperator, type WindowOperatorOptions } from './window-operator';

// Mid-run checkpoints of the WindowOperator (Flink's WindowOperatorTest snapshots and restores in most
// of its cases): the run is cut after every step, the operator's state goes through the checkpoint
// codecs into a new operator instance, and the output must equal the uninterrupted run's exactly.

type Ev = { key: string; v: number; ts: number };
const ev = (key: string, v: number, ts: number): HarnessStep<Ev> => ({ element: { key, v, ts }, timestamp: ts });
const wm = (watermark: number): HarnessStep<Ev> => ({ watermark });

function script<ACC, V, OUT, W extends Window>(options: () => WindowOperatorOptions<Ev, ACC, V, OUT, W>, steps: Array<HarnessStep<Ev>>): HarnessScript<Ev> {
  return {
    create: (subtaskIndex, parallelism) =>
      new OneInputOperatorTestHarness<Ev, OUT>(new WindowOperator(options()), { keySelector: (e: Ev) => e.key, subtaskIndex, parallelism }) as OneInputOperatorTestHarness<Ev, unknown>,
    steps,
    keyOf: (e) => e.key,
  };
}

const sumReduce = (a: Ev, b: Ev): Ev => ({ key: a.key, v: a.v + b.v, ts: Math.max(a.ts, b.ts) });
const describeSum = internalProcessWindowFunction<Ev, string, string, TimeWindow>((key, ctx, elements, out) => {
  out.collect(`${key}[${ctx.window().start},${ctx.window().end})=${[...elements].map((e) => e.v).join('+')}`);
});

/** Out-of-order input over several keys with watermarks in between; a few elements come late. */
const EVENT_TIME: Array<HarnessStep<Ev>> = [
  ev('a', 1, 3), ev('b', 2, 12), ev('a', 3, -7), wm(-1), ev('a', 4, 15), ev('c', 5, 19), ev('b', 6, 1), wm(9),
  ev('a', 7, 9), ev('b', 8, 22), ev('c', 9, 24), wm(14), ev('a', 10, 10), ev('a', 11, 31), ev('b', 12, 6), wm(25),
  ev('c', 13, 44), ev('a', 14, 38), ev('b', 15, 24), wm(40), ev('a', 16, 45), wm(MAX_WATERMARK),
];

describe('WindowOperator restored from a mid-run snapshot', () => {
  it('tumbling event-time reduce', async () => {
    const s = script(() => ({ assigner: TumblingEventTimeWindows.of(10), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() }), EVENT_TIME);
    expect((await runUninterrupted(s)).length).toBeGreaterThan(10);
    expect(await differencesAcrossRestores(s)).toEqual([]);
  });

  it('sliding event-time aggregate with a process function and late data to a side output', async () => {
    const count: AggregateFunction<Ev, { n: number; sum: number }, string> = {
      createAccumulator: () => ({ n: 0, sum: 0 }),
      add: (e, acc) => ((acc.n += 1), (acc.sum += e.v), acc),
      getResult: (acc) => `${acc.n}:${acc.sum}`,
      merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
    };
    const fn = internalProcessWindowFunction<string, string, string, TimeWindow>((key, ctx, results, out) => {
      for (const r of results) out.collect(`${key}[${ctx.window().start}]=${r}`);
    });
    const late = new OutputTag<Ev>('late');
    const s = script(() => ({ assigner: SlidingEventTimeWindows.of(10, 4), contents: aggregatingContents(count), windowFunction: fn, lateDataOutputTag: late.id }), EVENT_TIME);
    expect((await runUninterrupted(s)).some((l) => l.startsWith('side:late'))).toBe(true);
    expect(await differencesAcrossRestores(s)).toEqual([]);
  });

  it('session windows that merge, with list contents', async () => {
    const steps = [
      ev('a', 1, 10), ev('a', 2, 30), ev('b', 3, 11), wm(2), ev('a', 4, 14), ev('a', 5, 22), ev('a', 6, 18), ev('b', 7, 17), wm(12),
      ev('a', 8, 1), ev('b', 9, 16), ev('a', 10, 35), wm(21), ev('c', 11, 40), ev('a', 12, 26), wm(MAX_WATERMARK),
    ];
    const s = script(() => ({ assigner: EventTimeSessionWindows.withGap(5), contents: listContents<Ev>(), windowFunction: describeSum }), steps);
    expect((await runUninterrupted(s)).length).toBeGreaterThan(4);
    expect(await differencesAcrossRestores(s)).toEqual([]);
  });

  it('session windows with a count trigger: merged trigger state survives', async () => {
    const steps = [ev('a', 1, 0), ev('a', 2, 50), ev('b', 3, 7), ev('a', 4, 25), ev('a', 8, 15), ev('b', 5, 1), ev('a', 16, 5), ev('b', 6, 12), ev('a', 32, 56), wm(MAX_WATERMARK)];
    const s = script(
      () => ({
        assigner: EventTimeSessionWindows.withGap(10) as WindowAssigner<Ev, TimeWindow>,
        trigger: CountTrigger.of(3) as Trigger<Ev, TimeWindow>,
        contents: reducingContents(sumReduce),
        windowFunction: passThroughWindowFunction<Ev>(),
      }),
      steps,
    );
    expect((await runUninterrupted(s)).length).toBeGreaterThan(1);
    expect(await differencesAcrossRestores(s)).toEqual([]);
  });

  it('allowed lateness: re-firing, cleanup and per-window state of the process function', async () => {
    const firings = new ValueStateDescriptor<number>('firings');
    const fn = {
      process(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<Ev>, out: { collect(v: string): void }) {
        const st = ctx.windowState().getState(firings);
        const n = (st.value() ?? 0) + 1;
        st.update(n);
        out.collect(`${key}[${ctx.window().start}] firing ${n}: ${[...elements].map((e) => e.v).join('+')}`);
      },
      clear(ctx: ProcessWindowContext<TimeWindow>) {
        ctx.windowState().getState(firings).clear();
      },
    };
    const steps = [
      ev('a', 1, 2), ev('a', 2, 8), ev('b', 3, 4), wm(9), ev('a', 4, 3), ev('b', 5, 12), wm(13), ev('a', 8, 9), ev('b', 6, 1),
      wm(14), ev('a', 16, 5), ev('b', 7, 19), wm(30), ev('b', 9, 20), wm(MAX_WATERMARK),
    ];
    const late = new OutputTag<Ev>('late');
    const s = script(
      () => ({
        assigner: TumblingEventTimeWindows.of(10),
        contents: listContents<Ev>(),
        windowFunction: internalProcessWindowFunction<Ev, string, string, TimeWindow>(fn),
        allowedLateness: 5,
        lateDataOutputTag: late.id,
      }),
      steps,
    );
    const out = await runUninterrupted(s);
    expect(out.filter((l) => l.includes('firing 2')).length).toBeGreaterThan(0);
    expect(out.filter((l) => l.startsWith('side:late')).length).toBeGreaterThan(0);
    expect(await differencesAcrossRestores(s)).toEqual([]);
  });

  it('global windows with a count trigger and a count evictor', async () => {
    const fn = internalProcessWindowFunction<Ev, string, string, Window>((key, _c, elements, out) => out.collect(`${key}:${[...elements].map((e) => e.v).join(',')}`));
    const steps = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => ev(v % 3 === 0 ? 'x' : 'y', v, 0));
    const s = script(
      () => ({
        assigner: GlobalWindows.create<Ev>(),
        trigger: CountTrigger.of(3),
        evictor: CountEvictor.of(2),
        contents: evictingContents<Ev, Ev>(identityFold<Ev>()) as WindowContents<Ev, unknown, Ev>,
        windowFunction: fn,
      }),
      steps,
    );
    expect((await runUninterrupted(s)).length).toBeGreaterThan(1);
    expect(await differencesAcrossRestores(s)).toEqual([]);
  });

  it('sliding event-time windows with a time evictor and a purging trigger', async () => {
    const s = script(
      () => ({
        assigner: SlidingEventTimeWindows.of(10, 5) as WindowAssigner<Ev, TimeWindow>,
        trigger: PurgingTrigger.of(CountTrigger.of(2)) as Trigger<Ev, TimeWindow>,
        evictor: TimeEvictor.of(4),
        contents: evictingContents<Ev, Ev>(identityFold<Ev>()) as WindowContents<Ev, unknown, Ev>,
        windowFunction: describeSum,
      }),
      EVENT_TIME,
    );
    expect((await runUninterrupted(s)).length).toBeGreaterThan(5);
    expect(await differencesAcrossRestores(s)).toEqual([]);
  });

  it('processing-time tumbling and session windows fire from the clock after the restore', async () => {
    const steps: Array<HarnessStep<Ev>> = [
      { processingTime: 1010 }, ev('a', 1, 0), ev('b', 2, 0), { processingTime: 1050 }, ev('a', 3, 0), { processingTime: 1098 },
      { processingTime: 1100 }, ev('a', 5, 0), { processingTime: 1120 }, ev('b', 6, 0), { processingTime: 1250 }, ev('a', 7, 0), { processingTime: 1400 },
    ];
    const tumbling = script(() => ({ assigner: TumblingProcessingTimeWindows.of(100), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() }), steps);
    const sessions = script(() => ({ assigner: ProcessingTimeSessionWindows.withGap(60), contents: listContents<Ev>(), windowFunction: describeSum }), steps);
    for (const s of [tumbling, sessions]) {
      expect((await runUninterrupted(s)).length).toBeGreaterThan(2);
      expect(await differencesAcrossRestores(s)).toEqual([]);
    }
  });
});

describe('WindowOperator restored at another parallelism', () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  /** Every key in every phase: 8 keys × timestamps spread over [0, 60), a watermark every 8 elements. */
  const steps: Array<HarnessStep<Ev>> = [];
  for (let i = 0; i < 64; i++) {
    steps.push(ev(keys[i % 8], i, (i * 37) % 60));
    if (i % 8 === 7) steps.push(wm(i - 10));
  }
  steps.push(wm(MAX_WATERMARK));
  const sorted = async (s: HarnessScript<Ev>): Promise<string[]> => (await runUninterrupted(s)).filter((l) => !l.startsWith('wm ')).sort();

  it('tumbling windows: two subtasks into one and one into three', async () => {
    const s = script(() => ({ assigner: TumblingEventTimeWindows.of(10), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() }), steps);
    const expected = await sorted(s);
    expect(expected.length).toBeGreaterThan(20);
    for (const splitAt of [20, 45]) {
      expect(await runWithRestore(s, { splitAt, before: 2, after: 1 })).toEqual(expected);
      expect(await runWithRestore(s, { splitAt, before: 1, after: 3 })).toEqual(expected);
    }
  });

  it('merging session windows: two subtasks into one and one into two', async () => {
    const s = script(() => ({ assigner: EventTimeSessionWindows.withGap(12), contents: listContents<Ev>(), windowFunction: describeSum }), steps);
    const expected = await sorted(s);
    expect(expected.length).toBeGreaterThan(8);
    for (const splitAt of [20, 45]) {
      expect(await runWithRestore(s, { splitAt, before: 2, after: 1 })).toEqual(expected);
      expect(await runWithRestore(s, { splitAt, before: 1, after: 2 })).toEqual(expected);
    }
  });
});
