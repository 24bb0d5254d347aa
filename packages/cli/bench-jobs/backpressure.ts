/**
 * Benchmark job for checkpoints under back-pressure: generator → rebalance → a map that busy-waits
 * `--slow-us` microseconds per record, in its own slot (records cross threads and queue up in front of
 * it) → a summing sink. `--records N`. Checkpointing (interval, unaligned or not) comes from the job
 * configuration the bench sets. The sink sums the values into the `sum` accumulator so the bench can
 * check the result.
 */
import { LongCounter, RichSinkFunction, StreamExecutionEnvironment } from '@flott/api-datastream';

class SummingSink extends RichSinkFunction<number> {
  private sum = 0;
  private readonly acc = new LongCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('sum', this.acc);
  }
  invoke(v: number): void {
    this.sum += v;
  }
  override close(): void {
    this.acc.add(this.sum);
  }
}

function flag(args: readonly string[], name: string, otherwise: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : otherwise;
}

export default async function main(args: readonly string[]): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const records = flag(args, '--records', 200_000);
  const slowMicros = flag(args, '--slow-us', 20);
  env
    .fromGenerator(records, (i) => i)
    .rebalance()
    .map((v) => {
      const until = performance.now() + slowMicros / 1000;
      while (performance.now() < until);
      return v;
    })
    .slotSharingGroup('slow')
    .addSink(new SummingSink())
    .slotSharingGroup('slow');
  await env.execute('bench-backpressure');
}
