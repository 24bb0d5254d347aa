/**
 * Benchmark job: generator → map → filter → discarding sink. `--records N`, `--rebalance` puts a
 * rebalance between map and filter (records cross threads), `-p` sets the parallelism.
 * The sink counts what it saw into the `records` accumulator, so the bench can check the result.
 */
import { RichSinkFunction, StreamExecutionEnvironment, type Accumulator } from '@flott/api-datastream';

class Counter implements Accumulator<number> {
  private n = 0;
  add(v: number): void {
    this.n += v;
  }
  getLocalValue(): number {
    return this.n;
  }
  merge(other: number): void {
    this.n += other;
  }
}

class DiscardingCountingSink extends RichSinkFunction<number> {
  private seen = 0;
  private readonly counter = new Counter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('records', this.counter);
  }
  invoke(): void {
    this.seen++;
  }
  override close(): void {
    this.counter.add(this.seen);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const records = Number(args[args.indexOf('--records') + 1] ?? 1_000_000);
  const mapped = env.fromSequence(0, records - 1).map((x: number) => x * 2);
  const filtered = (args.includes('--rebalance') ? mapped.rebalance() : mapped).filter((x: number) => x % 3 === 0);
  filtered.addSink(new DiscardingCountingSink());
  await env.execute('bench-pipeline');
}
