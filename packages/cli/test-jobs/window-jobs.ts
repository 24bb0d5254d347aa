/**
 * End-to-end fixture for windows and joins: `--case NAME` picks a job; its result is printed as one
 * JSON line of tagged rows. Input data is a pure function of the index, so the test recomputes
 * every expected result independently (plain batch group-bys).
 */
import {
  EventTimeSessionWindows,
  OutputTag,
  ParameterTool,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type DataStream,
  type ProcessWindowContext,
  type TimeWindow,
  type WatermarkGenerator,
} from '@flott/api-datastream';
import { runCase } from './run-case';

type Env = StreamExecutionEnvironment;
export interface Event {
  key: string;
  ts: number;
  v: number;
}
/** [tag, key, window start, window end, count, sum]. */
export type Row = [string, string, number, number, number, number];

/** Out of order by up to 60 ms within any run of indexes, always below the 100 ms watermark delay. */
export const event = (i: number): Event => ({ key: `k${i % 5}`, ts: i * 10 - ((i * 37) % 7) * 10, v: i });
/** Sessions: each key gets bursts separated by gaps of > 50 ms (every 13th index jumps ahead). */
export const sessionEvent = (i: number): Event => ({ key: `s${i % 3}`, ts: i * 7 + Math.floor(i / 13) * 120 - ((i * 11) % 5) * 7, v: i });
export const DELAY = 100;
export const SESSION_GAP = 50;

/** For the lateness cases: mostly ascending, every 9th record far behind (some within the lateness, some not). */
export const lateEvent = (i: number): Event => ({ key: `k${i % 2}`, ts: i % 9 === 8 ? i * 10 - 40 - (i % 4) * 60 : i * 10, v: i });
export const LATE_DELAY = 20;
export const LATENESS = 60;

const countSum: AggregateFunction<Event, [number, number], [number, number]> = {
  createAccumulator: () => [0, 0],
  add: (e, acc) => [acc[0] + 1, acc[1] + e.v],
  getResult: (acc) => acc,
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

/** A WindowFunction (what a lambda given to reduce/aggregate is, as in Flink): the window itself. */
const rowOf =
  (tag: string) =>
  (key: string, window: TimeWindow, results: Iterable<[number, number]>, out: Collector<Row>): void => {
    for (const [count, sum] of results) out.collect([tag, key, window.start, window.end, count, sum]);
  };

const allElements =
  (tag: string) =>
  (key: string, ctx: ProcessWindowContext<TimeWindow>, elements: Iterable<Event>, out: Collector<Row>): void => {
    let count = 0;
    let sum = 0;
    for (const e of elements) {
      count++;
      sum += e.v;
    }
    out.collect([tag, key, ctx.window().start, ctx.window().end, count, sum]);
  };

function timed(env: Env, n: number, f: (i: number) => Event): DataStream<Event> {
  return env
    .fromSequence(0, n - 1)
    .map(f)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Event>(DELAY).withTimestampAssigner((e) => e.ts));
}

/** Watermark after every record (max ts - delay - 1): with one source subtask, what is late is deterministic. */
class PunctuatedWatermarks implements WatermarkGenerator<Event> {
  private maxTs = Number.MIN_SAFE_INTEGER;
  onEvent(e: Event, ts: number, output: { emitWatermark(wm: number): void }): void {
    this.maxTs = Math.max(this.maxTs, ts);
    output.emitWatermark(this.maxTs - LATE_DELAY - 1);
  }
  onPeriodicEmit(): void {}
}

const cases: Record<string, (env: Env, n: number) => Promise<unknown>> = {
  windows: (env, n) => {
    const events = timed(env, n, event);
    const keyed = events.keyBy((e) => e.key);
    const tumbling = keyed.window(TumblingEventTimeWindows.of<Event>(100)).aggregate(countSum, rowOf('tumbling'));
    const sliced = keyed.window(SlidingEventTimeWindows.of<Event>(100, 20)).aggregate(countSum, rowOf('sliding'));
    const naive = keyed.window(SlidingEventTimeWindows.of<Event>(100, 20)).process(allElements('sliding-naive'));
    const all = events
      .windowAll(TumblingEventTimeWindows.of<Event>(200))
      .aggregate(countSum, (window: TimeWindow, rs: Iterable<[number, number]>, out: Collector<Row>) => {
        for (const [c, s] of rs) out.collect(['all', '*', window.start, window.end, c, s]);
      });
    const sessions = timed(env, n, sessionEvent)
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap<Event>(SESSION_GAP))
      .process(allElements('session'));
    return tumbling.union(sliced, naive, all, sessions).executeAndCollect();
  },
  late: (env, n) => {
    const lateTag = new OutputTag<Event>('late');
    const input = env
      .fromSequence(0, n - 1)
      .setParallelism(1)
      .map(lateEvent)
      .setParallelism(1)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator<Event>(() => new PunctuatedWatermarks()).withTimestampAssigner((e) => e.ts))
      .setParallelism(1);
    const withSide = input
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Event>(50))
      .allowedLateness(LATENESS)
      .sideOutputLateData(lateTag)
      .aggregate(countSum, rowOf('side'));
    const dropping = input
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Event>(50))
      .aggregate(countSum, rowOf('drop'));
    const late = withSide.getSideOutput(lateTag).map((e): Row => ['late', e.key, e.ts, e.ts, 1, e.v]);
    return withSide.union(dropping, late).executeAndCollect();
  },
  joins: (env, n) => {
    const left = timed(env, n, event);
    const right = timed(env, n, (i) => ({ ...event(i), key: `k${(i * 3) % 5}`, v: 100_000 + i }));
    const joined = left
      .join(right)
      .where((e) => e.key)
      .equalTo((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .apply((a: Event, b: Event): Row => ['join', a.key, a.v, b.v, a.ts, b.ts]);
    const interval = left
      .keyBy((e) => e.key)
      .intervalJoin(right.keyBy((e) => e.key))
      .between(-20, 30)
      .upperBoundExclusive()
      .process((a: Event, b: Event, ctx, out: Collector<Row>) => out.collect(['interval', a.key, a.v, b.v, ctx.getTimestamp(), 0]));
    return joined.union(interval).executeAndCollect();
  },
};

export default function main(args: readonly string[]): Promise<void> {
  return runCase(cases, args);
}
