/**
 * WordCount, as Flink's: counts the words of a text file (`--input <file>`) or of a built-in text.
 * Runs in BATCH mode on bounded input, so each word is printed once with its final count.
 *
 *   npx flott run examples/word-count/word-count.ts --input README.md
 *   npx flott run -p 2 examples/word-count/word-count.ts
 */
import { ParameterTool, StreamExecutionEnvironment } from '@flott/api-datastream';
import { WORDS } from './words';

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const params = ParameterTool.fromArgs(env.getArgs());
env.setRuntimeMode('BATCH');

const text = params.has('input') ? env.readTextFile(params.getRequired('input')).name('file-input') : env.fromElements(...WORDS).name('in-memory-input');

text
  .flatMap<[string, number]>((line, out) => {
    for (const word of line.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word.length > 0) out.collect([word, 1]);
  })
  .name('tokenizer')
  .keyBy(([word]) => word)
  .sum(1)
  .name('counter')
  .print();

await env.execute('WordCount');
