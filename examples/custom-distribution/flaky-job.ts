/**
 * A job whose map fails in its first two attempts (as a flaky dependency would) and succeeds in the
 * third: it needs a restart strategy that allows at least two restarts.
 */
import { RichMapFunction, StreamExecutionEnvironment } from '@flott/api-datastream';

class FlakyDouble extends RichMapFunction<number, number> {
  map(x: number): number {
    const attempt = this.getRuntimeContext().getAttemptNumber();
    if (attempt < 2 && x === 3) throw new Error(`flaky dependency unavailable (attempt ${attempt})`);
    return x * 2;
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const result = await env.fromElements(1, 2, 3, 4).map(new FlakyDouble()).executeAndCollect();
console.log(JSON.stringify(result.sort((a, b) => a - b)));
