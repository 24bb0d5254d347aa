/**
 * A job whose map fails on its first attempt; `--checkpointing` enables checkpointing in the
 * program. The JobMaster's default restart strategy depends on it (none without checkpointing,
 * exponential-delay with it), so whether the job restarts shows whether the JobMaster saw the
 * program's setting. Prints the collected [value, attempt] pairs.
 */
import { ParameterTool, RichMapFunction, StreamExecutionEnvironment } from '@flott/api-datastream';

class FailOnFirstAttempt extends RichMapFunction<number, [number, number]> {
  map(value: number): [number, number] {
    const attempt = this.getRuntimeContext().getAttemptNumber();
    if (attempt === 0 && value === 3) throw new Error('first attempt fails at 3');
    return [value, attempt];
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  if (params.has('checkpointing')) env.enableCheckpointing(60_000);
  const out = await env.fromSequence(1, 5).map(new FailOnFirstAttempt()).executeAndCollect();
  process.stdout.write(`${JSON.stringify(out.sort((a, b) => a[0] - b[0]))}\n`);
}
