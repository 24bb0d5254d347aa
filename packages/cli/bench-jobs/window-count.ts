/**
 * Benchmark job: keyed count per event-time window over generated events (see
 * src/bench/window-functions.ts). `--events N --size MS --slide MS` (slide = size: tumbling).
 * The sink reports the number of results and the sum of counts as accumulators.
 */
import {
  LongCounter,
  RichSinkFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
} from '@flott/api-datastream';
import { eventAt, type KeyedEvent } from '../src/bench/window-functions';

const count: AggregateFunction<KeyedEvent, number, number> = {
  createAccumulator: () => 0,
  add: (_e, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

class TotalsSink extends RichSinkFunction<number> {
  private readonly results = new LongCounter();
  private readonly sum = new LongCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('results', this.results);
    this.getRuntimeContext().addAccumulator('sum', this.sum);
  }
  invoke(c: number): void {
    this.results.add(1);
    this.sum.add(c);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const arg = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const size = arg('--size', 10_000);
  const slide = arg('--slide', size);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const assigner = slide === size ? TumblingEventTimeWindows.of<KeyedEvent>(size) : SlidingEventTimeWindows.of<KeyedEvent>(size, slide);
  env
    .fromGenerator(arg('--events', 1_000_000), eventAt)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<KeyedEvent>().withTimestampAssigner((e) => e.ts))
    .keyBy((e) => e.key)
    .window(assigner)
    .aggregate(count)
    .addSink(new TotalsSink());
  await env.execute('bench-window-count');
}
