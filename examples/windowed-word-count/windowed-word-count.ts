/**
 * Word count per event-time tumbling window over a generated stream of timestamped lines that
 * arrive out of order (bounded by 600 ms). Each result names its window.
 *
 *   npx flott run -p 2 examples/windowed-word-count/windowed-word-count.ts --events 200 --window-ms 5000
 */
import {
  ParameterTool,
  ProcessWindowFunction,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
} from '@flott/api-datastream';
import { lineAt, OUT_OF_ORDERNESS_MS, type Line } from './events';

export interface WindowedCount {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly word: string;
  readonly count: number;
}

const counting: AggregateFunction<[string, number], number, number> = {
  createAccumulator: () => 0,
  add: (_value, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

class WithWindow extends ProcessWindowFunction<number, WindowedCount, string, TimeWindow> {
  process(word: string, ctx: ProcessWindowContext<TimeWindow>, counts: Iterable<number>, out: Collector<WindowedCount>): void {
    for (const count of counts) out.collect({ windowStart: ctx.window().start, windowEnd: ctx.window().end, word, count });
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const params = ParameterTool.fromArgs(env.getArgs());
const windowMs = params.getInt('window-ms', 5000);

env
  .fromGenerator(params.getInt('events', 200), lineAt)
  .name('lines')
  .assignTimestampsAndWatermarks(
    WatermarkStrategy.forBoundedOutOfOrderness<Line>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((line) => line.timestamp),
  )
  .flatMap<[string, number]>((line, out) => {
    for (const word of line.text.split(' ')) out.collect([word, 1]);
  })
  .name('tokenizer')
  .keyBy(([word]) => word)
  .window(TumblingEventTimeWindows.of(windowMs))
  .aggregate(counting, new WithWindow())
  .name('windowed counts')
  .print();

await env.execute('Windowed WordCount');
