/**
 * Benchmark job: generator → map → filter → discarding sink over object records. `--records N`,
 * `--rebalance` puts a rebalance between map and filter, `--split-slots` runs the filter in its own
 * slots (records cross threads), `-p` sets the parallelism. The sink sums a field into the `sum` accumulator so the bench can check the result.
 * The functions are in src/bench/pipeline-functions.ts, shared with the hand-written baseline.
 */
import { LongCounter, RichSinkFunction, StreamExecutionEnvironment } from '@flott/api-datastream';
import { generate, keep, transform, type BenchRecord } from '../src/bench/pipeline-functions';

class SummingSink extends RichSinkFunction<BenchRecord> {
  private sum = 0;
  private readonly acc = new LongCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('sum', this.acc);
  }
  invoke(r: BenchRecord): void {
    this.sum += r.value;
  }
  override close(): void {
    this.acc.add(this.sum);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const records = Number(args[args.indexOf('--records') + 1] ?? 1_000_000);
  const mapped = env.fromGenerator(records, generate).map(transform);
  const filtered = (args.includes('--rebalance') ? mapped.rebalance() : mapped).filter(keep);
  // --split-slots: the filter runs in its own slots, so even at parallelism 1 records cross threads.
  if (args.includes('--split-slots')) filtered.slotSharingGroup('downstream');
  filtered.addSink(new SummingSink());
  await env.execute('bench-pipeline');
}
