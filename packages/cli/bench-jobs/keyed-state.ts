/**
 * Benchmark job: `--records N` generated values over `--keys K` keys (value i has key i % K), each
 * added to its key's running count in a ValueState; the sink counts what it gets. Checkpointing and the
 * state backend come from the configuration (src/bench/checkpoint-bench.ts runs it with and without).
 * Accumulators: `records` (updates made) and `sum` (the value of every update: the check).
 */
import { KeyedProcessFunction, LongCounter, RichSinkFunction, StreamExecutionEnvironment, ValueStateDescriptor, type Collector, type KeyedProcessContext, type ValueState } from '@flott/api-datastream';

class Count extends KeyedProcessFunction<number, number, number> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
  }
  processElement(_value: number, _ctx: KeyedProcessContext<number>, out: Collector<number>): void {
    const c = (this.count.value() ?? 0) + 1;
    this.count.update(c);
    out.collect(c);
  }
}

class Totals extends RichSinkFunction<number> {
  private readonly records = new LongCounter();
  private readonly sum = new LongCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('records', this.records);
    this.getRuntimeContext().addAccumulator('sum', this.sum);
  }
  invoke(c: number): void {
    this.records.add(1);
    this.sum.add(c);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const arg = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const keys = arg('--keys', 1_000_000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env
    .fromGenerator(arg('--records', 5_000_000), (i) => i)
    .keyBy((i) => i % keys)
    .process(new Count())
    .addSink(new Totals());
  await env.execute('bench-keyed-state');
}
