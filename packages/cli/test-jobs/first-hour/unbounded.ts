/**
 * An unbounded job writing consecutive numbers to `--output` until it is cancelled. With `--block`
 * its map spins forever on the first record, so the slot thread cannot process a cancellation; it
 * creates `<output>.spinning` first, so a test knows the spinning has begun.
 */
import * as fs from 'node:fs';
import { ParameterTool, StreamExecutionEnvironment } from '@flott/api-datastream';

export default async function main(): Promise<void> {
  const params = ParameterTool.fromArgs(process.argv.slice(2));
  const block = params.has('block');
  const spinning = `${params.getRequired('output')}.spinning`;
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env
    .fromGenerator(Infinity, (i) => i, { recordsPerSecond: 5000 })
    .map((i) => {
      if (block) fs.writeFileSync(spinning, '');
      while (block) {
        // spin: a user function that never returns
      }
      return i;
    })
    .writeAsText(params.getRequired('output'));
  await env.execute('unbounded');
}
