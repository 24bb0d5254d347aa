/**
 * WordCount over `--input <file>` (as examples/word-count) whose tokenizer also counts the lines each
 * subtask read: it runs chained to the file source's readers, so `#lines-of-subtask-<i>` counts the
 * lines reader i read. Printed as "(<word>,<count>)" per word, in BATCH mode.
 *
 * Arguments: --input FILE.
 */
import { ParameterTool, RichFlatMapFunction, StreamExecutionEnvironment, type Collector } from '@flott/api-datastream';

class TokenizerCountingLines extends RichFlatMapFunction<string, [string, number]> {
  flatMap(line: string, out: Collector<[string, number]>): void {
    out.collect([`#lines-of-subtask-${this.getRuntimeContext().getIndexOfThisSubtask()}`, 1]);
    for (const word of line.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word.length > 0) out.collect([word, 1]);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setRuntimeMode('BATCH');
  env
    .readTextFile(params.getRequired('input'))
    .flatMap(new TokenizerCountingLines())
    .name('tokenizer')
    .keyBy(([word]) => word)
    .sum(1)
    .name('counter')
    .print();
  await env.execute('file word count');
}
