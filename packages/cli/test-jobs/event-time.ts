/**
 * End-to-end fixture for event time and timers: `--case NAME` picks a pipeline; the result is printed
 * as one JSON line. Event data is a pure function of the index, so tests recompute it independently.
 */
import {
  AbstractStreamOperator,
  IntCounter,
  KeyedProcessFunction,
  LongCounter,
  ParameterTool,
  RichSinkFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type OneInputStreamOperator,
  type OnTimerContext,
} from '@flott/api-datastream';
import { runCase } from './run-case';

type Env = StreamExecutionEnvironment;
export interface Event {
  key: string;
  ts: number;
}

/** Out of order by up to 60 ms within each source subtask's range, always < the 100 ms bound. */
export const outOfOrderEvent = (i: number): Event => ({ key: `k${i % 5}`, ts: i * 10 - ((i * 37) % 7) * 10 });
export const BUCKET = 100;

/** One event-time timer at the end of each key's 100 ms bucket; the timer reports what it saw. */
class BucketEnds extends KeyedProcessFunction<string, Event, [string, number, number | undefined, boolean]> {
  processElement(e: Event, ctx: KeyedProcessContext<string>): void {
    ctx.timerService().registerEventTimeTimer(Math.floor(e.ts / BUCKET) * BUCKET + BUCKET - 1);
  }
  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<[string, number, number | undefined, boolean]>): void {
    out.collect([ctx.getCurrentKey(), timestamp, ctx.timestamp(), ctx.timerService().currentWatermark() >= timestamp]);
  }
}

/**
 * Keeps the first of the generator's two index-range splits, [0, 2^52): one source subtask reads it
 * (whichever asked first), the other reads [2^52, ...) and so has no data after this filter.
 */
const onlyFirstSplit = (i: number): boolean => i < 2 ** 52;

/** Holds every record back until the watermark passes it, then emits all of them in one call. */
class ReleaseOnWatermark extends AbstractStreamOperator<string> implements OneInputStreamOperator<number, string> {
  private held: number[] = [];
  processElement(value: number): void {
    this.held.push(value);
  }
  processWatermark(watermark: number): void {
    const keep: number[] = [];
    for (const v of this.held) {
      if (v <= watermark) this.output.collect(`released record number ${v}`, v);
      else keep.push(v);
    }
    this.held = keep;
    this.output.emitWatermark(watermark);
  }
}

/** Counts the released records and sums their numbers. */
class CountingSink extends RichSinkFunction<string> {
  private readonly count = new IntCounter();
  private readonly sum = new LongCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('records', this.count);
    this.getRuntimeContext().addAccumulator('sum', this.sum);
  }
  invoke(value: string): void {
    this.count.add(1);
    this.sum.add(Number(value.slice(value.lastIndexOf(' ') + 1)));
  }
}

/** A processing-time timer whose callback throws. */
class ThrowingTimer extends KeyedProcessFunction<number, number, number> {
  processElement(x: number, ctx: KeyedProcessContext<number>): void {
    if (x === 0) ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 20);
  }
  override onTimer(): void {
    throw new Error('the timer failed on purpose');
  }
}

const cases: Record<string, (env: Env, n: number) => Promise<unknown>> = {
  // One watermark releases (nearly) everything at once: one operator call emits far more than a
  // channel's queued buffers, into a consumer in another thread.
  'watermark-burst': async (env, n) => {
    env
      .fromSequence(0, n - 1)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((i) => i))
      .transform('release on watermark', () => new ReleaseOnWatermark())
      .addSink(new CountingSink())
      .slotSharingGroup('sink');
    return (await env.execute('watermark burst')).accumulators;
  },
  'throwing-timer': (env) =>
    env
      .fromGenerator(Number.POSITIVE_INFINITY, (i) => i, { recordsPerSecond: 1000 })
      .keyBy((i) => i % 2)
      .process(new ThrowingTimer())
      .executeAndCollect(),
  'bucket-timers': (env, n) =>
    env
      .fromSequence(0, n - 1)
      .map(outOfOrderEvent)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Event>(100).withTimestampAssigner((e) => e.ts))
      .keyBy((e) => e.key)
      .process(new BucketEnds())
      .executeAndCollect(),
  // Unbounded: only one source subtask has data; without idleness the other would hold event time back forever.
  'idle-subtask': (env, n) =>
    env
      .fromGenerator(Number.POSITIVE_INFINITY, (i) => i, { recordsPerSecond: 20_000 })
      .filter(onlyFirstSplit)
      .map((i) => ({ key: `k${i % 3}`, ts: i * 10 }))
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts).withIdleness(50))
      .keyBy((e) => e.key)
      .process(new BucketEnds())
      .setParallelism(1)
      .executeAndCollect(n),
};

export default function main(args: readonly string[]): Promise<void> {
  return runCase(cases, args);
}
