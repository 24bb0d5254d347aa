/**
 * Back-pressure fixture: a fast sequence source feeds a slow sink in another slot (its own slot
 * sharing group, so records cross threads). The sink spins a little per record and counts them.
 */
import { ParameterTool, RichSinkFunction, StreamExecutionEnvironment, type Accumulator } from '@flott/api-datastream';

class Count implements Accumulator<number> {
  n = 0;
  add(v: number): void {
    this.n += v;
  }
  getLocalValue(): number {
    return this.n;
  }
  merge(o: number): void {
    this.n += o;
  }
}

class SlowSink extends RichSinkFunction<number> {
  private readonly count = new Count();
  private sum = 0;
  override open(): void {
    this.getRuntimeContext().addAccumulator('records', this.count);
    this.getRuntimeContext().addAccumulator('sum', { add: () => undefined, getLocalValue: () => this.sum, merge: () => undefined });
  }
  invoke(value: number): void {
    const until = performance.now() + 0.02;
    while (performance.now() < until) {
      // a slow consumer
    }
    this.count.add(1);
    this.sum += value;
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.fromSequence(1, params.getInt('n', 20000)).addSink(new SlowSink()).slotSharingGroup('sink');
  const result = await env.execute('back-pressure');
  process.stdout.write(`${JSON.stringify(result.accumulators)}\n`);
}
