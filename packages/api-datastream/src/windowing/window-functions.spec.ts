// A window function is called with the arguments its type promises, or rejected at compile time.
// Compile-time checks: `tsc -p tsconfig.spec.json` (the lint target) fails if an `@ts-expect-error`
// line stops being an error. Runtime checks run real jobs on the in-process test context.
import {
  JobBuildError,
  ProcessAllWindowFunction,
  ProcessWindowFunction,
  TumblingEventTimeWindows,
  type AggregateFunction,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
} from '@flott/core';
import { setExecutionContext } from '@flott/runtime/internal';
import { StreamExecutionEnvironment } from '../stream-execution-environment';
import { LocalTestContext } from '../testing-fixtures/local-test-context';
import { WatermarkStrategy } from '../watermark-strategy';

beforeEach(() => setExecutionContext(new LocalTestContext()));
afterEach(() => setExecutionContext(undefined));

interface Ev {
  key: string;
  v: number;
  ts: number;
}
// Windows of 10 ms: a[0,10) = 1+2, a[10,20) = 4, b[0,10) = 8, b[20,30) = 16 + 32.
const EVENTS: Ev[] = [
  { key: 'a', v: 1, ts: 1 },
  { key: 'b', v: 8, ts: 3 },
  { key: 'a', v: 2, ts: 9 },
  { key: 'a', v: 4, ts: 10 },
  { key: 'b', v: 16, ts: 21 },
  { key: 'b', v: 32, ts: 29 },
];
const EXPECTED = ['a[0,10)=3', 'a[10,20)=4', 'b[0,10)=8', 'b[20,30)=48'];
const EXPECTED_ALL = ['*[0,10)=11', '*[10,20)=4', '*[20,30)=48'];

const sum = (x: Ev, y: Ev): Ev => ({ ...x, v: x.v + y.v });
const sumV: AggregateFunction<Ev, number, number> = {
  createAccumulator: () => 0,
  add: (e, acc) => acc + e.v,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};
const total = (input: Iterable<Ev | number>): number => [...input].reduce<number>((s, x) => s + (typeof x === 'number' ? x : x.v), 0);

function events(parallelism = 1) {
  return StreamExecutionEnvironment.getExecutionEnvironment()
    .setParallelism(parallelism)
    .fromCollection(EVENTS)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts));
}
const windowed = (parallelism = 1) => events(parallelism).keyBy((e) => e.key).window(TumblingEventTimeWindows.of<Ev>(10));
const windowedAll = () => events().windowAll(TumblingEventTimeWindows.of<Ev>(10));
const sorted = async (s: { executeAndCollect(): Promise<string[]> }): Promise<string[]> => (await s.executeAndCollect()).sort();

describe('keyed windows: a plain function in reduce/aggregate is a WindowFunction (key, window, input, out)', () => {
  it('reduce(r, lambda) gets the window itself: its start and end', async () => {
    const out = windowed().reduce(sum, (key, window, input, out: Collector<string>) => out.collect(`${key}[${window.start},${window.end})=${total(input)}`));
    expect(await sorted(out)).toEqual(EXPECTED);
  });

  it('aggregate(a, lambda) gets the window itself, at parallelism 2 as well', async () => {
    const out = windowed(2).aggregate(sumV, (key, window, input, out: Collector<string>) => out.collect(`${key}[${window.start},${window.end})=${total(input)}`));
    expect(await sorted(out)).toEqual(EXPECTED);
  });

  it('an object with apply is a WindowFunction, an object with process or a subclass a ProcessWindowFunction', async () => {
    const viaApply = windowed().reduce(sum, {
      apply(key, window, input, out: Collector<string>) {
        out.collect(`${key}[${window.start},${window.end})=${total(input)}`);
      },
    });
    const viaProcess = windowed().aggregate(sumV, {
      process(key, ctx, input, out: Collector<string>) {
        out.collect(`${key}[${ctx.window().start},${ctx.window().end})=${total(input)}`);
      },
    });
    class Labelled extends ProcessWindowFunction<Ev, string, string, TimeWindow> {
      process(key: string, ctx: ProcessWindowContext<TimeWindow>, input: Iterable<Ev>, out: Collector<string>): void {
        out.collect(`${key}[${ctx.window().start},${ctx.window().end})=${total(input)}`);
      }
    }
    expect(await sorted(viaApply)).toEqual(EXPECTED);
    expect(await sorted(viaProcess)).toEqual(EXPECTED);
    expect(await sorted(windowed().reduce(sum, new Labelled()))).toEqual(EXPECTED);
  });

  it('apply(lambda) is a WindowFunction, process(lambda) a ProcessWindowFunction', async () => {
    const applied = windowed().apply((key, window, input, out: Collector<string>) => out.collect(`${key}[${window.start},${window.end})=${total(input)}`));
    const processed = windowed().process((key, ctx, input, out: Collector<string>) => out.collect(`${key}[${ctx.window().start},${ctx.window().end})=${total(input)}`));
    expect(await sorted(applied)).toEqual(EXPECTED);
    expect(await sorted(processed)).toEqual(EXPECTED);
  });

  it('a lambda annotated for the other kind does not compile', () => {
    // Type checks only: never called (some of these also fail job building, see below).
    const typeChecks = (w: ReturnType<typeof windowed>): void => {
      const ctxStyle = (key: string, ctx: ProcessWindowContext<TimeWindow>, input: Iterable<Ev>, out: Collector<string>): void =>
        out.collect(`${key}@${ctx.window().start}:${total(input)}`);
      const windowStyle = (key: string, window: TimeWindow, input: Iterable<Ev>, out: Collector<string>): void =>
        out.collect(`${key}@${window.start}:${total(input)}`);
      // @ts-expect-error in reduce a lambda is a WindowFunction: its second parameter is the window, not a context
      w.reduce(sum, ctxStyle);
      // @ts-expect-error in aggregate likewise (the input is the aggregate's result)
      w.aggregate(sumV, (key: string, ctx: ProcessWindowContext<TimeWindow>, input: Iterable<number>, out: Collector<string>) => out.collect(`${ctx.window().start}`));
      // @ts-expect-error apply takes a WindowFunction
      w.apply(ctxStyle);
      // @ts-expect-error process takes a ProcessWindowFunction
      w.process(windowStyle);
      // @ts-expect-error a ProcessWindowFunction object's process gets a context, not a window
      w.reduce(sum, { process: windowStyle });
      // @ts-expect-error a WindowFunction object's apply gets the window, not a context
      w.reduce(sum, { apply: ctxStyle });
      // @ts-expect-error an unannotated lambda's second parameter is the window: it has no window()
      w.reduce(sum, (key, window, input, out: Collector<string>) => out.collect(`${window.window().start}`));
      // @ts-expect-error an object with process is not a WindowFunction
      w.apply({ process: ctxStyle });
    };
    expect(typeChecks).toBeInstanceOf(Function);
  });

  it('job files bundled without a type check get the same meaning, and an object that is neither kind fails job building', () => {
    const untyped = windowed() as unknown as {
      reduce(r: unknown, f: unknown): unknown;
      process(f: unknown): unknown;
      apply(f: unknown): unknown;
    };
    const both = { apply: () => undefined, process: () => undefined };
    expect(() => untyped.reduce(sum, both)).toThrow(new JobBuildError(
      'reduce(): expected a WindowFunction (a plain function or an object with apply(key, window, input, out)) ' +
        'or a ProcessWindowFunction (an object with process(key, context, elements, out)), got an object with both apply and process',
    ));
    expect(() => untyped.reduce(sum, {})).toThrow('got an object with neither apply nor process');
    expect(() => untyped.process({ apply: () => undefined })).toThrow('process() takes a ProcessWindowFunction; this object has apply, so it is a WindowFunction: pass it to apply() instead');
    expect(() => untyped.apply({ process: () => undefined })).toThrow('apply() takes a WindowFunction; this object has process, so it is a ProcessWindowFunction: pass it to process() instead');
  });
});

describe('windowAll: a plain function in reduce/aggregate is an AllWindowFunction (window, input, out)', () => {
  it('reduce and aggregate with a lambda get the window; objects with apply or process and subclasses work', async () => {
    const label = (window: TimeWindow, input: Iterable<Ev | number>) => `*[${window.start},${window.end})=${total(input)}`;
    class All extends ProcessAllWindowFunction<number, string, TimeWindow> {
      process(ctx: ProcessWindowContext<TimeWindow>, input: Iterable<number>, out: Collector<string>): void {
        out.collect(label(ctx.window(), input));
      }
    }
    expect(await sorted(windowedAll().reduce(sum, (window, input, out: Collector<string>) => out.collect(label(window, input))))).toEqual(EXPECTED_ALL);
    expect(await sorted(windowedAll().aggregate(sumV, (window, input, out: Collector<string>) => out.collect(label(window, input))))).toEqual(EXPECTED_ALL);
    expect(await sorted(windowedAll().aggregate(sumV, { apply: (window, input, out: Collector<string>) => out.collect(label(window, input)) }))).toEqual(EXPECTED_ALL);
    expect(await sorted(windowedAll().reduce(sum, { process: (ctx, input, out: Collector<string>) => out.collect(label(ctx.window(), input)) }))).toEqual(EXPECTED_ALL);
    expect(await sorted(windowedAll().aggregate(sumV, new All()))).toEqual(EXPECTED_ALL);
    expect(await sorted(windowedAll().apply((window, input, out: Collector<string>) => out.collect(label(window, input))))).toEqual(EXPECTED_ALL);
    expect(await sorted(windowedAll().process((ctx, input, out: Collector<string>) => out.collect(label(ctx.window(), input))))).toEqual(EXPECTED_ALL);
  });

  it('a lambda annotated for the other kind does not compile', () => {
    const typeChecks = (w: ReturnType<typeof windowedAll>): void => {
      const ctxStyle = (ctx: ProcessWindowContext<TimeWindow>, input: Iterable<number>, out: Collector<string>): void => out.collect(`${ctx.window().start}`);
      const windowStyle = (window: TimeWindow, input: Iterable<Ev>, out: Collector<string>): void => out.collect(`${window.start}`);
      // @ts-expect-error in aggregate a lambda is an AllWindowFunction: its first parameter is the window
      w.aggregate(sumV, ctxStyle);
      // @ts-expect-error apply takes an AllWindowFunction
      w.apply((ctx: ProcessWindowContext<TimeWindow>, input: Iterable<Ev>, out: Collector<string>) => out.collect(`${ctx.window().start}`));
      // @ts-expect-error process takes a ProcessAllWindowFunction
      w.process(windowStyle);
    };
    expect(typeChecks).toBeInstanceOf(Function);
  });
});

describe('window join and coGroup take their own functions', () => {
  /** Both sides from one job: the same events, as left and right. */
  const sides = () => {
    const input = events();
    return { left: input.map((e) => ({ ...e, side: 'L' })), right: input.map((e) => ({ ...e, side: 'R' })) };
  };
  const joinByKey = () => {
    const { left, right } = sides();
    return left.join(right).where((e) => e.key).equalTo((e) => e.key).window(TumblingEventTimeWindows.of(10));
  };
  const coGroupByKey = () => {
    const { left, right } = sides();
    return left.coGroup(right).where((e) => e.key).equalTo((e) => e.key).window(TumblingEventTimeWindows.of(10));
  };

  it('join: a two-parameter lambda is a JoinFunction, a three-parameter one a FlatJoinFunction', async () => {
    const pairs = await joinByKey().apply((a, b) => `${a.key}:${a.v}+${b.v}`).executeAndCollect();
    const flat = await joinByKey()
      .apply((a, b, out: Collector<string>) => (a.v <= b.v ? out.collect(`${a.key}:${a.v}<=${b.v}`) : undefined))
      .executeAndCollect();
    expect(pairs.sort()).toEqual(['a:1+1', 'a:1+2', 'a:2+1', 'a:2+2', 'a:4+4', 'b:16+16', 'b:16+32', 'b:32+16', 'b:32+32', 'b:8+8']);
    expect(flat.sort()).toEqual(['a:1<=1', 'a:1<=2', 'a:2<=2', 'a:4<=4', 'b:16<=16', 'b:16<=32', 'b:32<=32', 'b:8<=8']);
  });

  it('coGroup gets both sides of a key and window', async () => {
    const grouped = await coGroupByKey()
      .apply((l, r, out: Collector<string>) => out.collect(`${[...l].length}x${[...r].length}`))
      .executeAndCollect();
    expect(grouped.sort()).toEqual(['1x1', '1x1', '2x2', '2x2']);
  });

  it('a join does not take a CoGroupFunction, nor a coGroup a JoinFunction', () => {
    const typeChecks = (join: ReturnType<typeof joinByKey>, coGroup: ReturnType<typeof coGroupByKey>): void => {
      // @ts-expect-error a join's function gets one element of each side, not iterables
      join.apply((l: Iterable<Ev>, r: Iterable<Ev>, out: Collector<string>) => out.collect(`${[...l].length}`));
      // @ts-expect-error a co-group's function gets all elements of each side and an output, it returns nothing
      coGroup.apply((a: Ev, b: Ev) => `${a.v}+${b.v}`);
      // @ts-expect-error a co-group object has coGroup, not join
      coGroup.apply({ join: (a: Ev, b: Ev) => a.v + b.v });
    };
    expect(typeChecks).toBeInstanceOf(Function);
    const untyped = coGroupByKey() as unknown as { apply(f: unknown): unknown };
    expect(() => untyped.apply({ join: () => 1 })).toThrow(
      new JobBuildError('coGroup().apply(): expected a CoGroupFunction (a function or an object with coGroup(first, second, out))'),
    );
  });
});
