/**
 * Shared main of the end-to-end fixture jobs: `--case NAME` picks a pipeline, `--n N` its size; the
 * result is printed as one JSON line for the test to compare.
 */
import { ParameterTool, StreamExecutionEnvironment } from '@flott/api-datastream';

export type Case = (env: StreamExecutionEnvironment, n: number) => Promise<unknown>;

export async function runCase(cases: Readonly<Record<string, Case>>, args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const name = params.getRequired('case');
  const run = cases[name];
  if (!run) throw new Error(`unknown case ${name}`);
  const result = await run(env, params.getInt('n', 1000));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
