/**
 * A keyed pipeline on a generator source: sensor readings keyed by sensor, reduced to the
 * running total and reading count per sensor, at parallelism 2. Prints every update (streaming).
 *
 *   npx flott run examples/keyed-generator/keyed-generator.ts --events 40
 */
import { ParameterTool, StreamExecutionEnvironment } from '@flott/api-datastream';

interface Reading {
  sensor: string;
  total: number;
  count: number;
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const params = ParameterTool.fromArgs(env.getArgs());
env.setParallelism(2);

env
  .fromGenerator(params.getInt('events', 40), (i): Reading => ({ sensor: `sensor-${i % 4}`, total: (i * 7) % 10, count: 1 }))
  .name('readings')
  .keyBy((r) => r.sensor)
  .reduce((a, b) => ({ sensor: a.sensor, total: a.total + b.total, count: a.count + b.count }))
  .name('totals')
  .print();

await env.execute('Keyed generator');
