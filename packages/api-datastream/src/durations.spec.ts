// Every API that takes a duration accepts milliseconds, a Duration (Flink 2.x) or a legacy Time
// (Flink 1.x) and gives the same result; each family runs a real job with exact expected output.
import type { Collector, DurationLike, WatermarkOutput } from '@flott/core';
import { ManualClock } from '@flott/runtime';
import { setExecutionContext } from '@flott/runtime/internal';
import {
  ContinuousEventTimeTrigger,
  Duration,
  EventTimeSessionWindows,
  InvalidDurationError,
  KeyedProcessFunction,
  OutputTag,
  SlidingEventTimeWindows,
  StateTtlConfig,
  Time,
  TimeEvictor,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type KeyedProcessContext,
  type TimeWindow,
  type ValueState,
  type WindowAssigner,
} from './index';
import { StreamExecutionEnvironment } from './stream-execution-environment';
import { LocalTestContext } from './testing-fixtures/local-test-context';

let ctx: LocalTestContext;
beforeEach(() => {
  ctx = new LocalTestContext();
  setExecutionContext(ctx);
});
afterEach(() => setExecutionContext(undefined));

interface Ev {
  key: string;
  v: number;
  ts: number;
}
const EVENTS: Ev[] = [
  { key: 'a', v: 1, ts: 1 },
  { key: 'b', v: 8, ts: 3 },
  { key: 'a', v: 2, ts: 9 },
  { key: 'a', v: 4, ts: 10 },
  { key: 'b', v: 16, ts: 21 },
  { key: 'b', v: 32, ts: 29 },
];
const sum = (x: Ev, y: Ev): Ev => ({ ...x, v: x.v + y.v });
const env = () => StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(1);
const label = (key: string, w: TimeWindow, input: Iterable<Ev>) => `${key}[${w.start},${w.end})=${[...input].reduce((s, e) => s + e.v, 0)}`;

/** The same duration three ways. */
const ms = (millis: number): DurationLike[] => [millis, Duration.ofMillis(millis), Time.milliseconds(millis)];

async function windowSums(assigner: WindowAssigner<Ev, TimeWindow>): Promise<string[]> {
  const out = await env()
    .fromCollection(EVENTS)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts))
    .keyBy((e) => e.key)
    .window(assigner)
    .reduce(sum, (key, window, input, out: Collector<string>) => out.collect(label(key, window, input)))
    .executeAndCollect();
  return out.sort();
}

/**
 * Records of one key, each arriving 200 ms of processing time after the previous one, so the
 * watermark assigner's periodic emission (every 200 ms) runs between any two records.
 */
function ticking(events: Ev[], strategy: WatermarkStrategy<Ev>, e = env(), tick = 200) {
  return e
    .fromCollection(events)
    .map((x) => {
      ctx.clock.advance(tick);
      return x;
    })
    .assignTimestampsAndWatermarks(strategy.withTimestampAssigner((e) => e.ts));
}
const keyK = (ts: number): Ev => ({ key: 'k', v: ts, ts });

describe('durations: milliseconds, Duration and Time give the same job results', () => {
  it.each(ms(10).map((d) => [String(d), d]))('window assigners: tumbling of %s', async (_, size) => {
    expect(await windowSums(TumblingEventTimeWindows.of<Ev>(size))).toEqual(['a[0,10)=3', 'a[10,20)=4', 'b[0,10)=8', 'b[20,30)=48']);
  });

  it.each(ms(-3).map((d) => [String(d), d]))('window assigners: tumbling with offset %s', async (_, offset) => {
    expect(await windowSums(TumblingEventTimeWindows.of<Ev>(Duration.ofMillis(10), offset))).toEqual([
      'a[-3,7)=1', 'a[7,17)=6', 'b[-3,7)=8', 'b[17,27)=16', 'b[27,37)=32',
    ]);
  });

  it.each(ms(5).map((d) => [String(d), d]))('window assigners: sliding by %s', async (_, slide) => {
    expect(await windowSums(SlidingEventTimeWindows.of<Ev>(Time.milliseconds(10), slide))).toEqual([
      'a[-5,5)=1', 'a[0,10)=3', 'a[10,20)=4', 'a[5,15)=6', 'b[-5,5)=8', 'b[0,10)=8', 'b[15,25)=16', 'b[20,30)=48', 'b[25,35)=32',
    ]);
  });

  it.each(ms(5).map((d) => [String(d), d]))('window assigners: sessions with gap %s', async (_, gap) => {
    expect(await windowSums(EventTimeSessionWindows.withGap<Ev>(gap))).toEqual(['a[1,6)=1', 'a[9,15)=6', 'b[21,26)=16', 'b[29,34)=32', 'b[3,8)=8']);
  });

  // Arrival order 1, 12, 5, 25, 9, 14; out-of-orderness 3 ms: watermark 8 before 5 arrives (in time),
  // 21 before 9 and 14 arrive (late for windows [0,10) and [10,20) unless the lateness keeps them).
  const ARRIVALS = [1, 12, 5, 25, 9, 14].map(keyK);

  it.each(ms(3).map((d) => [String(d), d]))('watermark strategy: bounded out-of-orderness of %s', async (_, delay) => {
    const late = new OutputTag<Ev>('late');
    const windows = ticking(ARRIVALS, WatermarkStrategy.forBoundedOutOfOrderness<Ev>(delay))
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Ev>(Duration.ofMillis(10)))
      .sideOutputLateData(late)
      .reduce(sum, (key, window, input, out: Collector<string>) => out.collect(label(key, window, input)));
    const out = await windows.union(windows.getSideOutput(late).map((e) => `late ${e.ts}`)).executeAndCollect();
    expect(out).toEqual(['k[0,10)=6', 'k[10,20)=12', 'late 9', 'late 14', 'k[20,30)=25']);
  });

  it.each(ms(100).map((d) => [String(d), d]))('watermark strategy: idle after %s without records', (_, timeout) => {
    const clock = new ManualClock(0);
    const generator = WatermarkStrategy.forMonotonousTimestamps<string>().withIdleness(timeout).createWatermarkGenerator({ clock });
    const seen: Array<number | string> = [];
    const out: WatermarkOutput = { emitWatermark: (wm) => seen.push(wm), markIdle: () => seen.push('idle'), markActive: () => seen.push('active') };
    generator.onEvent('a', 5, out);
    for (const step of [0, 1, 100, 1]) {
      clock.advance(step);
      generator.onPeriodicEmit(out);
    }
    expect(seen).toEqual([4, 4, 4, 'idle']);
  });

  it.each(ms(50).map((d) => [String(d), d]))('auto-watermark interval (env.getConfig()) of %s', async (_, interval) => {
    const e = env();
    e.getConfig().setAutoWatermarkInterval(interval);
    expect(e.getConfig().getAutoWatermarkInterval()).toBe(50);
    const late = new OutputTag<Ev>('late');
    // Records 50 ms apart: one periodic watermark between any two, as with the default 200 ms and 200 ms apart.
    const windows = ticking(ARRIVALS, WatermarkStrategy.forBoundedOutOfOrderness<Ev>(3), e, 50)
      .keyBy((x) => x.key)
      .window(TumblingEventTimeWindows.of<Ev>(10))
      .sideOutputLateData(late)
      .reduce(sum, (key, window, input, out: Collector<string>) => out.collect(label(key, window, input)));
    const out = await windows.union(windows.getSideOutput(late).map((x) => `late ${x.ts}`)).executeAndCollect();
    expect(out).toEqual(['k[0,10)=6', 'k[10,20)=12', 'late 9', 'late 14', 'k[20,30)=25']);
  });

  it('auto-watermark interval 0: no periodic watermarks, every window fires at the end of input', async () => {
    const e = env();
    e.getConfig().setAutoWatermarkInterval(Duration.ZERO);
    const out = await ticking(ARRIVALS, WatermarkStrategy.forBoundedOutOfOrderness<Ev>(3), e)
      .keyBy((x) => x.key)
      .window(TumblingEventTimeWindows.of<Ev>(10))
      .reduce(sum, (key, window, input, out: Collector<string>) => out.collect(label(key, window, input)))
      .executeAndCollect();
    expect(out).toEqual(['k[0,10)=15', 'k[10,20)=26', 'k[20,30)=25']);
    expect(() => e.getConfig().setAutoWatermarkInterval(-1)).toThrow('ExecutionConfig.setAutoWatermarkInterval: interval: must not be negative, got -1 ms');
  });

  it.each(ms(15).map((d) => [String(d), d]))('allowed lateness of %s', async (_, lateness) => {
    const out = await ticking(ARRIVALS, WatermarkStrategy.forBoundedOutOfOrderness<Ev>(Duration.ofMillis(3)))
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Ev>(10))
      .allowedLateness(lateness)
      .reduce(sum, (key, window, input, out: Collector<string>) => out.collect(label(key, window, input)))
      .executeAndCollect();
    // The late elements update their windows, which fire again.
    expect(out).toEqual(['k[0,10)=6', 'k[10,20)=12', 'k[0,10)=15', 'k[10,20)=26', 'k[20,30)=25']);
  });

  it.each(ms(10).map((d) => [String(d), d]))('triggers: continuous event-time trigger every %s', async (_, interval) => {
    const out = await ticking([1, 5, 12, 25, 31].map(keyK), WatermarkStrategy.forMonotonousTimestamps<Ev>())
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Ev>(40))
      .trigger(ContinuousEventTimeTrigger.of(interval))
      .reduce(sum, (key, window, input, out: Collector<string>) => out.collect(label(key, window, input)))
      .executeAndCollect();
    // Fires at event time 10, 20 and 30 and at the window's end.
    expect(out).toEqual(['k[0,40)=18', 'k[0,40)=43', 'k[0,40)=74', 'k[0,40)=74']);
  });

  it.each(ms(5).map((d) => [String(d), d]))('evictors: time evictor keeping %s', async (_, size) => {
    const out = await env()
      .fromCollection(EVENTS)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts))
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of<Ev>(100))
      .evictor(TimeEvictor.of(size))
      .apply((key, window, input, out: Collector<string>) => out.collect(label(key, window, input)))
      .executeAndCollect();
    // Only elements newer than the newest one minus 5 ms stay: a 9 and 10, b 29.
    expect(out.sort()).toEqual(['a[0,100)=6', 'b[0,100)=32']);
  });

  it.each(ms(100).map((d) => [String(d), d]))('state TTL of %s', async (_, ttl) => {
    class CountWithTtl extends KeyedProcessFunction<string, { key: string; after: number }, number> {
      private count!: ValueState<number>;
      override open(): void {
        const descriptor = new ValueStateDescriptor<number>('count');
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        this.count = this.getRuntimeContext().getState(descriptor);
      }
      processElement(_: unknown, _ctx: KeyedProcessContext<string>, out: Collector<number>): void {
        const next = (this.count.value() ?? 0) + 1;
        this.count.update(next);
        out.collect(next);
      }
    }
    const out = await env()
      .fromCollection([0, 50, 120, 90].map((after) => ({ key: 'a', after })))
      .map((e) => {
        ctx.clock.advance(e.after);
        return e;
      })
      .keyBy((e) => e.key)
      .process(new CountWithTtl())
      .executeAndCollect();
    // Written at 0, 50, 170 (the value of 50 expired at 150), 260.
    expect(out).toEqual([1, 2, 1, 2]);
  });

  it.each([
    ['milliseconds', -2, 1],
    ['Durations', Duration.ofMillis(-2), Duration.ofMillis(1)],
    ['Times', Time.milliseconds(-2), Time.milliseconds(1)],
  ] as const)('interval join between bounds given as %s', async (_, lower, upper) => {
    const e = env();
    const timed = (ts: number[]) =>
      e.fromCollection(ts.map(keyK)).assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((x) => x.ts));
    const out = await timed([10, 20])
      .keyBy((x) => x.key)
      .intervalJoin(timed([7, 8, 9, 10, 11, 12, 21]).keyBy((x) => x.key))
      .between(lower, upper)
      .process((l, r, _ctx, out: Collector<string>) => out.collect(`${l.ts}-${r.ts}`))
      .executeAndCollect();
    expect(out.sort()).toEqual(['10-10', '10-11', '10-8', '10-9', '20-21']);
  });

  it('buffer timeouts', () => {
    const e = env().setBufferTimeout(Duration.ofSeconds(1));
    e.fromElements(1).map((x) => x).setBufferTimeout(Time.milliseconds(5)).print();
    const graph = e.getStreamGraph();
    expect(graph.config.bufferTimeoutMs).toBe(1000);
    expect([...graph.nodes.values()].map((n) => n.bufferTimeoutMs)).toContain(5);
  });
});

describe('what is not a duration fails job building with a clear error', () => {
  it('negative, NaN, fractions of a millisecond and other types', () => {
    expect(() => TumblingEventTimeWindows.of(-5)).toThrow(new InvalidDurationError('TumblingEventTimeWindows.of: size', 'must not be negative', '-5 ms'));
    expect(() => TumblingEventTimeWindows.of(Duration.ofSeconds(-1))).toThrow('TumblingEventTimeWindows.of: size: must not be negative, got PT-1S');
    expect(() => EventTimeSessionWindows.withGap(NaN)).toThrow('EventTimeSessionWindows.withGap: gap: must be a whole number of milliseconds, got NaN');
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(0.5)).toThrow('must be a whole number of milliseconds, got 0.5 ms');
    expect(() => StateTtlConfig.newBuilder('5s' as unknown as number)).toThrow(
      new InvalidDurationError(
        'StateTtlConfig: ttl',
        'must be a duration: milliseconds as a number, a Duration (Duration.ofSeconds(5)) or a Time (Time.seconds(5))',
        'the string "5s"',
      ),
    );
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(Duration.ZERO)).toThrow('WatermarkStrategy.withIdleness: idleTimeout: must be > 0, got 0 ms');
    const windowed = env().fromElements(1).keyBy((x) => x).window(TumblingEventTimeWindows.of(10));
    expect(() => windowed.allowedLateness(Time.milliseconds(-1))).toThrow('allowedLateness: must not be negative, got -1 ms');
    expect(() => env().setBufferTimeout({ seconds: 1 } as unknown as number)).toThrow('got an object (Object)');
  });
});
