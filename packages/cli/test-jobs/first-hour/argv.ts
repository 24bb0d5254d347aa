/**
 * Reads its arguments the Node way (`process.argv.slice(2)`) in main, as the client and every slot
 * thread run it, and reports what each subtask's copy of main saw beside `env.getArgs()`.
 */
import { StreamExecutionEnvironment } from '@flott/api-datastream';

export default async function main(): Promise<void> {
  const seenByMain = process.argv.slice(2);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const fromEnv = env.getArgs();
  const seen = await env
    .fromSequence(0, 3)
    .map((i) => ({ i, argv: seenByMain, getArgs: fromEnv }))
    .executeAndCollect();
  process.stdout.write(`${JSON.stringify({ client: { argv: seenByMain, getArgs: fromEnv }, tasks: seen.sort((a, b) => a.i - b.i) })}\n`);
}
