/**
 * WordCount over `--input <file>` (as examples/word-count) whose tokenizer also counts the lines each
 * subtask read: it runs chained to the file source's readers, so `#lines-of-subtask-<i>` counts the
 * lines reader i read. Printed as "(<word>,<count>)" per word, in BATCH mode.
 *
 * With `--rendezvous DIR`, each subtask at its first line writes `DIR/read-<i>` and waits (at most 60 s)
 * until every subtask has written its own: a reader that started first cannot take all the file's
 * splits before the others ask, however late their threads start on a loaded machine.
 *
 * Arguments: --input FILE, --rendezvous DIR.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParameterTool, RichFlatMapFunction, StreamExecutionEnvironment, type Collector } from '@flott/api-datastream';

/** Longest a subtask waits for the others at its first line. */
const RENDEZVOUS_TIMEOUT_MS = 60_000;

class TokenizerCountingLines extends RichFlatMapFunction<string, [string, number]> {
  private first = true;

  constructor(private readonly rendezvous: string | undefined) {
    super();
  }

  flatMap(line: string, out: Collector<[string, number]>): void {
    const ctx = this.getRuntimeContext();
    if (this.first && this.rendezvous !== undefined) this.meetTheOthers(this.rendezvous, ctx.getIndexOfThisSubtask(), ctx.getNumberOfParallelSubtasks());
    this.first = false;
    out.collect([`#lines-of-subtask-${ctx.getIndexOfThisSubtask()}`, 1]);
    for (const word of line.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (word.length > 0) out.collect([word, 1]);
  }

  /** Blocks this subtask's thread (the others run in threads of their own) until all marked their first line. */
  private meetTheOthers(dir: string, index: number, parallelism: number): void {
    fs.writeFileSync(path.join(dir, `read-${index}`), '');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const deadline = Date.now() + RENDEZVOUS_TIMEOUT_MS;
    for (let i = 0; i < parallelism; i++) {
      while (!fs.existsSync(path.join(dir, `read-${i}`)) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5);
    }
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setRuntimeMode('BATCH');
  env
    .readTextFile(params.getRequired('input'))
    .flatMap(new TokenizerCountingLines(params.has('rendezvous') ? params.getRequired('rendezvous') : undefined))
    .name('tokenizer')
    .keyBy(([word]) => word)
    .sum(1)
    .name('counter')
    .print();
  await env.execute('file word count');
}
