/**
 * Calls execute() without awaiting it (`--fail` makes the job's map throw). The sink writes its
 * file when the job finishes, so the file shows whether the job ran to its end.
 */
import { ParameterTool, StreamExecutionEnvironment } from '@flott/api-datastream';

const params = ParameterTool.fromArgs(process.argv.slice(2));
const fail = params.has('fail');
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSequence(1, 100)
  .map((x) => {
    if (fail && x === 50) throw new Error('record 50 is bad');
    return x * 2;
  })
  .writeAsText(params.getRequired('output'));
void env.execute('not awaited');
process.stdout.write('main returned\n');
