/**
 * End-to-end fixture for event time and timers: `--case NAME` picks a pipeline; the result is printed
 * as one JSON line. Event data is a pure function of the index, so tests recompute it independently.
 */
import {
  KeyedProcessFunction,
  ParameterTool,
  RichFilterFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
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

class OnlySubtaskZero extends RichFilterFunction<number> {
  filter(): boolean {
    return this.getRuntimeContext().getIndexOfThisSubtask() === 0;
  }
}

const cases: Record<string, (env: Env, n: number) => Promise<unknown>> = {
  'bucket-timers': (env, n) =>
    env
      .fromSequence(0, n - 1)
      .map(outOfOrderEvent)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Event>(100).withTimestampAssigner((e) => e.ts))
      .keyBy((e) => e.key)
      .process(new BucketEnds())
      .executeAndCollect(),
  // Unbounded: only subtask 0 of the source has data; without idleness subtask 1 would hold event time back forever.
  'idle-subtask': (env, n) =>
    env
      .fromGenerator(Number.POSITIVE_INFINITY, (i) => i, { recordsPerSecond: 20_000 })
      .filter(new OnlySubtaskZero())
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
