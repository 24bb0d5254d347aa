/**
 * Back-pressure fixture: a fast sequence source feeds a slow sink in another slot (its own slot
 * sharing group, so records cross threads). The sink spins a little per record and counts them.
 */
import { IntCounter, LongCounter, ParameterTool, RichSinkFunction, StreamExecutionEnvironment } from '@flott/api-datastream';

class SlowSink extends RichSinkFunction<number> {
  private readonly count = new IntCounter();
  private readonly total = new LongCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('records', this.count);
    this.getRuntimeContext().addAccumulator('sum', this.total);
  }
  invoke(value: number): void {
    const until = performance.now() + 0.02;
    while (performance.now() < until) {
      // a slow consumer
    }
    this.count.add(1);
    this.total.add(value);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.fromSequence(1, params.getInt('n', 20000)).addSink(new SlowSink()).slotSharingGroup('sink');
  const result = await env.execute('back-pressure');
  process.stdout.write(`${JSON.stringify(result.accumulators)}\n`);
}
