/**
 * Two disconnected copies of the checkpoint test job's pipeline (checkpoint-jobs.ts) in one job, for
 * region failover: `--fail b` makes only pipeline b's keyed function throw once (first attempt, after
 * a completed checkpoint). Each pipeline commits into its own folder, `<out>/a` and `<out>/b`, with
 * `sums` and `windows` in each, as the single job does.
 *
 * Arguments: --n N, --a-n N (pipeline a's records when it should be shorter; N by default), --rate R
 * (records per second of each pipeline), --fail-after K (with --fail), --fail a|b (which pipeline
 * fails; none when absent), --out DIR.
 */
import * as path from 'node:path';
import { ParameterTool, StreamExecutionEnvironment } from '@flott/api-datastream';
import { addCheckpointedPipeline } from './checkpoint-jobs';

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const out = params.getRequired('out');
  const failing = params.get('fail');
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  for (const name of ['a', 'b']) {
    addCheckpointedPipeline(env, {
      n: name === 'a' ? params.getInt('a-n', params.getInt('n', 4000)) : params.getInt('n', 4000),
      rate: params.getInt('rate', 4000),
      failAfter: failing === name ? params.getInt('fail-after', 0) : 0,
      out: path.join(out, name),
      parallelSource: false,
      prefix: `${name}: `,
    });
  }
  await env.execute('two pipelines');
}
