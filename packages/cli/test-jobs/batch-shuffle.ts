/**
 * A BATCH job with one blocking shuffle, for batch scheduling and failover tests: a parallel
 * sequence 1..n is keyed by `k<i % keys>` and summed per key (the sum reads the shuffle's BLOCKING
 * partitions), then written as "k<j>,<sum>" lines by writeAsText into `--out` (one file per subtask).
 * `--fail-subtask S` makes subtask S of the summing task throw once, on its first attempt, when the
 * first final sum reaches it: after it read all of its blocking input, so a restart must read it again.
 *
 * Arguments: --n N, --keys K, --out DIR, --fail-subtask S (none when absent).
 */
import { ParameterTool, RichMapFunction, StreamExecutionEnvironment } from '@flott/api-datastream';

class FailOnce extends RichMapFunction<[string, number], string> {
  constructor(private readonly failSubtask: number) {
    super();
  }

  map([key, sum]: [string, number]): string {
    const ctx = this.getRuntimeContext();
    if (ctx.getIndexOfThisSubtask() === this.failSubtask && ctx.getAttemptNumber() === 0) {
      throw new Error(`planned failure of subtask ${this.failSubtask} after it read its blocking input`);
    }
    return `${key},${sum}`;
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const n = params.getInt('n', 20_000);
  const keys = params.getInt('keys', 97);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setRuntimeMode('BATCH');
  env
    .fromSequence(1, n)
    .name('numbers')
    .map((i): [string, number] => [`k${i % keys}`, i])
    .name('key')
    .keyBy(([key]) => key)
    .sum(1)
    .name('sum')
    .map(new FailOnce(params.getInt('fail-subtask', -1)))
    .name('format')
    .writeAsText(params.getRequired('out'), 'OVERWRITE');
  await env.execute('batch shuffle');
}
