import {
  CountEvictor,
  CountTrigger,
  EventTimeSessionWindows,
  GlobalWindows,
  MAX_WATERMARK,
  OutputTag,
  PurgingTrigger,
  SlidingEventTimeWindows,
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
import {
  aggregatingContents,
  evictingContents,
  identityFold,
  listContents,
  reducingContents,
  type WindowContents,
} from './window-contents';
import {
  internalProcessWindowFunction,
  passThroughWindowFunction,
  type InternalWindowFunction,
} from './internal-window-functions';
import { WindowOperator, type WindowOperatorOptions } from './window-operator';

type Ev = { key: string; v: number; ts: number };
const ev = (key: string, v: number, ts: number): Ev => ({ key, v, ts });

async function harnessFor<ACC, V, OUT, W extends Window>(options: WindowOperatorOptions<Ev, ACC, V, OUT, W>) {
  const op = new WindowOperator(options);
  const h = new OneInputOperatorTestHarness<Ev, OUT>(op, { keySelector: (e: Ev) => e.key });
  await h.open();
  return { op, h, feed: (es: Ev[]) => es.forEach((e) => h.processElement(e, e.ts)) };
}

const sumReduce = (a: Ev, b: Ev): Ev => ({ key: a.key, v: a.v + b.v, ts: Math.max(a.ts, b.ts) });

/** Out-of-order input: several keys, timestamps spread over [-30, 60). */
const INPUT: Ev[] = [
  ev('a', 1, 3), ev('b', 2, 12), ev('a', 3, -7), ev('a', 4, 15), ev('c', 5, 59), ev('b', 6, 1), ev('a', 7, 9),
  ev('b', 8, 22), ev('c', 9, -30), ev('a', 10, 10), ev('a', 11, 31), ev('b', 12, 0), ev('c', 13, 44), ev('a', 14, 38),
];

/** Independent batch group-by: every window [start, start + size) with start ≡ offset (mod slide) that contains ts. */
function batchWindowSums(input: Ev[], size: number, slide: number): string[] {
  const sums = new Map<string, number>();
  for (const e of input) {
    for (let start = Math.floor(e.ts / slide) * slide; start > e.ts - size; start -= slide) {
      const id = `${e.key}[${start},${start + size})`;
      sums.set(id, (sums.get(id) ?? 0) + e.v);
    }
  }
  return [...sums].map(([id, s]) => `${id}=${s}`).sort();
}

describe('WindowOperator (event time)', () => {
  it('tumbling reduce: one result per key and window, at the window end, equal to a batch group-by', async () => {
    const { h, feed } = await harnessFor({ assigner: TumblingEventTimeWindows.of(10), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() });
    feed(INPUT);
    expect(h.output.records).toHaveLength(0);
    h.processWatermark(MAX_WATERMARK);
    const got = h.output.records.map((r) => {
      const start = r.timestamp + 1 - 10;
      return `${r.value.key}[${start},${start + 10})=${r.value.v}`;
    });
    expect(got.sort()).toEqual(batchWindowSums(INPUT, 10, 10));
    expect(h.output.watermarks).toEqual([MAX_WATERMARK]);
    expect(h.numTimers()).toBe(0);
    expect(h.keyedStateBackend!.numEntries()).toBe(0);
  });

  it('fires each window when the watermark reaches its max timestamp, in time order', async () => {
    const { h, feed } = await harnessFor({ assigner: TumblingEventTimeWindows.of(10), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() });
    feed([ev('a', 1, 1), ev('a', 2, 11), ev('a', 4, 25)]);
    h.processWatermark(8);
    expect(h.output.records).toHaveLength(0);
    h.processWatermark(9);
    expect(h.output.records.map((r) => [r.value.v, r.timestamp])).toEqual([[1, 9]]);
    h.processWatermark(30);
    expect(h.output.records.map((r) => [r.value.v, r.timestamp])).toEqual([[1, 9], [2, 19], [4, 29]]);
  });

  it('sliding aggregate equals the batch computation', async () => {
    const sum: AggregateFunction<Ev, { s: number }, number> = {
      createAccumulator: () => ({ s: 0 }),
      add: (e, acc) => ((acc.s += e.v), acc),
      getResult: (acc) => acc.s,
      merge: (a, b) => ({ s: a.s + b.s }),
    };
    const fn: InternalWindowFunction<number, string, unknown, TimeWindow> = {
      process: (key, w, _c, input, out) => {
        for (const s of input) out.collect(`${String(key)}[${w.start},${w.end})=${s}`);
      },
      clear: () => {},
      userFunctions: [],
    };
    const { h, feed } = await harnessFor({ assigner: SlidingEventTimeWindows.of(10, 4), contents: aggregatingContents(sum), windowFunction: fn });
    feed(INPUT);
    h.processWatermark(MAX_WATERMARK);
    // Window starts are multiples of 4; the batch helper uses floor(ts / slide) * slide alike.
    expect(h.output.values().sort()).toEqual(batchWindowSums(INPUT, 10, 4));
  });

  it('process function sees all elements and the window metadata; incremental + process sees the aggregate', async () => {
    const seen: string[] = [];
    const pwf = internalProcessWindowFunction<Ev, string, string, TimeWindow>((key, ctx, elements, out) => {
      const vs = [...elements].map((e) => e.v).sort((a, b) => a - b);
      seen.push(`${key}@${ctx.currentWatermark()}`);
      out.collect(`${key}[${ctx.window().start},${ctx.window().end}):${vs.join('+')}`);
    });
    const { h, feed } = await harnessFor({ assigner: TumblingEventTimeWindows.of(20), contents: listContents<Ev>(), windowFunction: pwf });
    feed(INPUT.filter((e) => e.key === 'a'));
    h.processWatermark(19);
    expect(h.output.values()).toEqual(['a[-20,0):3', 'a[0,20):1+4+7+10']);
    expect(seen).toEqual(['a@19', 'a@19']);

    const inc = internalProcessWindowFunction<Ev, string, string, TimeWindow>((key, ctx, elements, out) => {
      const all = [...elements];
      out.collect(`${key}[${ctx.window().start}]:${all.length}:${all[0].v}`);
    });
    const r = await harnessFor({ assigner: TumblingEventTimeWindows.of(20), contents: reducingContents(sumReduce), windowFunction: inc });
    r.feed(INPUT.filter((e) => e.key === 'a'));
    r.h.processWatermark(MAX_WATERMARK);
    const expected = new Map<number, number>();
    for (const e of INPUT.filter((x) => x.key === 'a')) {
      const start = Math.floor(e.ts / 20) * 20;
      expected.set(start, (expected.get(start) ?? 0) + e.v);
    }
    expect(r.h.output.values().sort()).toEqual([...expected].map(([s, v]) => `a[${s}]:1:${v}`).sort());
  });

  it('per-window state is scoped to the window and cleared by the function', async () => {
    const firings = new ValueStateDescriptor<number>('firings');
    const f = {
      process(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<Ev>, out: { collect(v: string): void }) {
        const st = ctx.windowState().getState(firings);
        const n = (st.value() ?? 0) + 1;
        st.update(n);
        const total = ctx.globalState().getState(firings);
        total.update((total.value() ?? 0) + 1);
        out.collect(`${key}[${ctx.window().start}] firing ${n} of ${total.value()} (${[...elements].length})`);
      },
      clear(ctx: ProcessWindowContext<TimeWindow>) {
        ctx.windowState().getState(firings).clear();
      },
    };
    const { h, feed } = await harnessFor({
      assigner: TumblingEventTimeWindows.of(10),
      contents: listContents<Ev>(),
      windowFunction: internalProcessWindowFunction<Ev, string, string, TimeWindow>(f),
      allowedLateness: 100,
    });
    feed([ev('a', 1, 1), ev('a', 1, 12)]);
    h.processWatermark(20);
    feed([ev('a', 1, 2)]);
    expect(h.output.values()).toEqual(['a[0] firing 1 of 1 (1)', 'a[10] firing 1 of 2 (1)', 'a[0] firing 2 of 3 (2)']);
    h.processWatermark(MAX_WATERMARK);
    // Cleanup ran the function's clear: only the global count remains.
    expect(h.keyedStateBackend!.numEntries()).toBe(1);
  });

  it('allowed lateness: late elements re-fire their window; after the lateness they are dropped or side-output', async () => {
    const lateTag = new OutputTag<Ev>('late');
    for (const withTag of [false, true]) {
      const { h, op, feed } = await harnessFor({
        assigner: TumblingEventTimeWindows.of(10),
        contents: reducingContents(sumReduce),
        windowFunction: passThroughWindowFunction<Ev>(),
        allowedLateness: 5,
        lateDataOutputTag: withTag ? lateTag.id : undefined,
      });
      feed([ev('a', 1, 2), ev('a', 2, 8)]);
      h.processWatermark(9);
      feed([ev('a', 4, 3)]); // late but within lateness: fires [0,10) again with the new sum
      h.processWatermark(13);
      feed([ev('a', 8, 9)]); // still within lateness (9 + 5 > 13)
      h.processWatermark(14); // cleanup time of [0,10) is 9 + 5 = 14
      feed([ev('a', 16, 5)]); // too late: dropped or side output
      h.processWatermark(MAX_WATERMARK);
      expect(h.output.values().map((e) => e.v)).toEqual([3, 7, 15]);
      expect(h.output.sideValues(lateTag.id)).toEqual(withTag ? [ev('a', 16, 5)] : []);
      expect(op.numLateRecordsDropped).toBe(withTag ? 0 : 1);
    }
  });

  it('session windows merge per key and equal a batch sessionisation', async () => {
    const gap = 5;
    const fn = internalProcessWindowFunction<Ev, string, string, TimeWindow>((key, ctx, elements, out) => {
      out.collect(`${key}[${ctx.window().start},${ctx.window().end})=${[...elements].reduce((s, e) => s + e.v, 0)}`);
    });
    const input = [
      ev('a', 1, 10), ev('a', 2, 30), ev('b', 3, 11), ev('a', 4, 14), ev('a', 5, 22), ev('a', 6, 18), ev('b', 7, 17),
      ev('a', 8, 1), ev('b', 9, 16), ev('a', 10, 5), ev('c', 11, 0),
    ];
    const { h, feed } = await harnessFor({ assigner: EventTimeSessionWindows.withGap(gap), contents: listContents<Ev>(), windowFunction: fn });
    feed(input);
    h.processWatermark(MAX_WATERMARK);
    // Batch: sort each key's timestamps; a session continues while the next ts <= last ts + gap.
    const expected: string[] = [];
    for (const key of ['a', 'b', 'c']) {
      const es = input.filter((e) => e.key === key).sort((x, y) => x.ts - y.ts);
      let start = es[0].ts;
      let last = es[0].ts;
      let sum = 0;
      for (const e of es) {
        if (e.ts > last + gap) {
          expected.push(`${key}[${start},${last + gap})=${sum}`);
          start = e.ts;
          sum = 0;
        }
        last = e.ts;
        sum += e.v;
      }
      expected.push(`${key}[${start},${last + gap})=${sum}`);
    }
    expect(h.output.values().sort()).toEqual(expected.sort());
    expect(h.numTimers()).toBe(0);
    expect(h.keyedStateBackend!.numEntries()).toBe(0);
  });

  it('session windows with a count trigger merge the trigger state', async () => {
    const { h, feed } = await harnessFor({
      assigner: EventTimeSessionWindows.withGap(10) as WindowAssigner<Ev, TimeWindow>,
      trigger: CountTrigger.of(3) as Trigger<Ev, TimeWindow>,
      contents: reducingContents(sumReduce),
      windowFunction: passThroughWindowFunction<Ev>(),
    });
    // Three sessions [0,10), [25,35), [50,60), one element each.
    feed([ev('a', 1, 0), ev('a', 2, 50), ev('a', 4, 25)]);
    // [15,25) merges with [25,35): count 2, no firing yet.
    feed([ev('a', 8, 15)]);
    expect(h.output.records).toHaveLength(0);
    // [5,15) bridges [0,10) and [15,35): merged count 1 + 2 + 1 = 4 >= 3 fires the sum of the merged session.
    feed([ev('a', 16, 5)]);
    expect(h.output.values().map((e) => e.v)).toEqual([1 + 4 + 8 + 16]);
    h.processWatermark(MAX_WATERMARK);
    expect(h.output.records).toHaveLength(1);
    expect(h.keyedStateBackend!.numEntries()).toBe(0);
  });
});

describe('WindowOperator (global windows, processing time, evictors)', () => {
  it('global windows with the end-of-stream trigger emit one result per key when the input ends', async () => {
    const { h, feed } = await harnessFor({ assigner: GlobalWindows.createWithEndOfStreamTrigger<Ev>(), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() });
    feed(INPUT);
    h.processWatermark(1_000_000);
    expect(h.output.records).toHaveLength(0);
    h.processWatermark(MAX_WATERMARK);
    const sums = new Map<string, number>();
    for (const e of INPUT) sums.set(e.key, (sums.get(e.key) ?? 0) + e.v);
    expect(h.output.records.map((r) => [r.value.key, r.value.v, r.timestamp]).sort()).toEqual([...sums].sort().map(([k, v]) => [k, v, MAX_WATERMARK]));
  });

  it('global windows without a trigger never fire, not even at the end of input', async () => {
    const { h, feed } = await harnessFor({ assigner: GlobalWindows.create<Ev>(), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() });
    feed(INPUT);
    h.processWatermark(MAX_WATERMARK);
    expect(h.output.records).toHaveLength(0);
  });

  it('global window with a purging count trigger emits every n elements per key', async () => {
    const { h, feed } = await harnessFor({
      assigner: GlobalWindows.create<Ev>(),
      trigger: PurgingTrigger.of(CountTrigger.of(3)),
      contents: reducingContents(sumReduce),
      windowFunction: passThroughWindowFunction<Ev>(),
    });
    const input = Array.from({ length: 20 }, (_, i) => ev(i % 3 === 0 ? 'x' : 'y', i, 0));
    feed(input);
    const expected: string[] = [];
    for (const key of ['x', 'y']) {
      const vs = input.filter((e) => e.key === key).map((e) => e.v);
      for (let i = 0; i + 3 <= vs.length; i += 3) expected.push(`${key}:${vs[i] + vs[i + 1] + vs[i + 2]}`);
    }
    expect(h.output.values().map((e) => `${e.key}:${e.v}`).sort()).toEqual(expected.sort());
  });

  it('count evictor keeps the last n elements of a global window', async () => {
    const fn = internalProcessWindowFunction<Ev, string, string, Window>((key, _c, elements, out) => out.collect(`${key}:${[...elements].map((e) => e.v).join(',')}`));
    const contents = evictingContents<Ev, Ev>(identityFold<Ev>()) as WindowContents<Ev, unknown, Ev>;
    const { h, feed } = await harnessFor({ assigner: GlobalWindows.create<Ev>(), trigger: CountTrigger.of(3), evictor: CountEvictor.of(2), contents, windowFunction: fn });
    feed([1, 2, 3, 4, 5, 6].map((v) => ev('k', v, 0)));
    // First firing sees [1,2,3] and evicts to [2,3]; the second sees [2,3,4,5,6] and evicts to [5,6].
    expect(h.output.values()).toEqual(['k:2,3', 'k:5,6']);
  });

  it('processing-time tumbling windows fire from the clock', async () => {
    const { h, feed } = await harnessFor({ assigner: TumblingProcessingTimeWindows.of(100), contents: reducingContents(sumReduce), windowFunction: passThroughWindowFunction<Ev>() });
    h.setProcessingTime(1010);
    feed([ev('a', 1, 0), ev('b', 2, 0), ev('a', 3, 0)]);
    h.setProcessingTime(1098);
    expect(h.output.records).toHaveLength(0);
    h.setProcessingTime(1099);
    expect(h.output.records.map((r) => [r.value.key, r.value.v, r.timestamp]).sort()).toEqual([['a', 4, 1099], ['b', 2, 1099]]);
    h.setProcessingTime(1100);
    feed([ev('a', 5, 0)]);
    h.setProcessingTime(1250);
    expect(h.output.records.slice(2).map((r) => [r.value.key, r.value.v, r.timestamp])).toEqual([['a', 5, 1199]]);
  });
});
