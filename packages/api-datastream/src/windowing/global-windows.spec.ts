// GlobalWindows.createWithEndOfStreamTrigger(): one result per key when a bounded input ends.
import { GlobalWindows, MAX_WATERMARK, type Collector } from '@flott/core';
import { setExecutionContext } from '@flott/runtime/internal';
import { StreamExecutionEnvironment } from '../stream-execution-environment';
import { LocalTestContext } from '../testing-fixtures/local-test-context';

beforeEach(() => setExecutionContext(new LocalTestContext()));
afterEach(() => setExecutionContext(undefined));

const LINES = ['to be or not to be', 'that is the question', 'to be is to do'];
const words = (parallelism: number) =>
  StreamExecutionEnvironment.getExecutionEnvironment()
    .setParallelism(parallelism)
    .fromCollection(LINES)
    .flatMap((line: string, out: Collector<[string, number]>) => line.split(' ').forEach((w) => out.collect([w, 1])));
const add = (a: [string, number], b: [string, number]): [string, number] => [a[0], a[1] + b[1]];
const FINAL_COUNTS = [
  ['be', 3], ['do', 1], ['is', 2], ['not', 1], ['or', 1], ['question', 1], ['that', 1], ['the', 1], ['to', 4],
];

describe('GlobalWindows.createWithEndOfStreamTrigger()', () => {
  it.each([1, 2])('keyed reduce emits one final count per word when the input ends (parallelism %i), stamped MAX_WATERMARK', async (p) => {
    const counts = await words(p)
      .keyBy((wc) => wc[0])
      .window(GlobalWindows.createWithEndOfStreamTrigger())
      .reduce(add)
      .process((wc, ctx, out: Collector<[string, number, boolean]>) => out.collect([wc[0], wc[1], ctx.timestamp() === MAX_WATERMARK]))
      .executeAndCollect();
    expect(counts.sort()).toEqual(FINAL_COUNTS.map(([w, c]) => [w, c, true]));
  });

  it('windowAll aggregates all data into one result, with the window function given', async () => {
    const total = await words(2)
      .windowAll(GlobalWindows.createWithEndOfStreamTrigger())
      .reduce(add, (window, input, out: Collector<string>) => out.collect(`${String(window)}: ${[...input].map(([, c]) => c).join()}`))
      .executeAndCollect();
    expect(total).toEqual(['GlobalWindow: 15']);
  });

  it('GlobalWindows.create() still never fires by itself', async () => {
    expect(await words(1).keyBy((wc) => wc[0]).window(GlobalWindows.create()).reduce(add).executeAndCollect()).toEqual([]);
  });
});
