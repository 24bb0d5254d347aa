/**
 * Fixture for the REST statistics of a cluster of TaskManager processes (cluster-stats.it.spec.ts):
 * an unbounded event-time job at parallelism 2 whose keyBy crosses the TaskManagers, a fast source
 * (timestamps are the records' values) feeding a slow keyed sink in slots of its own, so the sources
 * are back-pressured over TCP and the sinks have an input watermark.
 */
import { WatermarkStrategy } from '@flott/api-datastream';
import { runCase } from './run-case';

export default function main(args: readonly string[]): Promise<void> {
  return runCase(
    {
      'back-pressured-keyed': async (env) => {
        env
          .fromGenerator(Infinity, (i) => i)
          .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((i) => i))
          .keyBy((i) => i % 16)
          .addSink(() => {
            const until = performance.now() + 0.05;
            while (performance.now() < until) {
              // a slow consumer
            }
          })
          // Its own slots (threads): a source sharing a slot thread with its sink would spend the sink's turns neither waiting nor back-pressured.
          .slotSharingGroup('sink');
        await env.execute('cluster stats back-pressured');
        return 'done';
      },
    },
    args,
  );
}
