/**
 * Fixture for the CLI against a running cluster (`--case NAME`): `unbounded` is a streaming job that
 * runs until it is stopped or cancelled (a keyed running sum, so savepoints have state; event time
 * is the record's value, so the sum's input has a watermark);
 * `collect` is a bounded job whose result comes back through executeAndCollect over the REST API;
 * `back-pressured` is an unbounded fast source feeding a slow sink in another slot;
 * `back-pressured-keyed` the same at event time through a keyBy (timestamps are the records' values),
 * for a cluster of TaskManager processes (cluster-stats.it.spec.ts: run at p=2, its exchange crosses them).
 */
import { StreamExecutionEnvironment, WatermarkStrategy } from '@flott/api-datastream';
import { runCase } from './run-case';

/** A slow consumer: 50 µs per record. */
function slowSink(): void {
  const until = performance.now() + 0.05;
  while (performance.now() < until) {
    // busy
  }
}

export default function main(args: readonly string[]): Promise<void> {
  return runCase(
    {
      unbounded: async (env) => {
        env
          .fromGenerator(Infinity, (i) => i, { recordsPerSecond: 200 })
          .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((i) => i))
          .keyBy((i) => i % 4)
          .reduce((a, b) => a + b)
          .addSink(() => {});
        await env.execute('rest unbounded');
        return 'done';
      },
      'back-pressured': async (env) => {
        env
          .fromGenerator(Infinity, (i) => i)
          .addSink(slowSink)
          .slotSharingGroup('sink');
        await env.execute('rest back-pressured');
        return 'done';
      },
      'back-pressured-keyed': async (env) => {
        env
          .fromGenerator(Infinity, (i) => i)
          .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((i) => i))
          .keyBy((i) => i % 16)
          .addSink(slowSink)
          .slotSharingGroup('sink');
        await env.execute('rest back-pressured keyed');
        return 'done';
      },
      collect: async (env, n) => {
        const squares = await env.fromSequence(1, n).map((i) => i * i).executeAndCollect('rest collect');
        return squares.sort((a, b) => a - b);
      },
    },
    args,
  );
}
