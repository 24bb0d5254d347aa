import { AsyncRetryPredicates, AsyncRetryStrategies, Duration, RichAsyncFunction, type ResultFuture } from '@flott/core';
import { AsyncWaitOperator, InvalidAsyncOptionsError, setExecutionContext } from '@flott/runtime/internal';
import { AsyncDataStream } from './async-data-stream';
import { StreamExecutionEnvironment } from './stream-execution-environment';

afterEach(() => setExecutionContext(undefined));

class Lookup extends RichAsyncFunction<number, string> {
  asyncInvoke(input: number, resultFuture: ResultFuture<string>): void {
    resultFuture.complete([String(input)]);
  }
}

describe('AsyncDataStream', () => {
  it('adds one "async wait operator" per call, with the four entry points, chained after its input', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const numbers = env.fromSequence(1, 10);
    const retry = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<string>(2, 10).ifResult(AsyncRetryPredicates.EMPTY_RESULT_PREDICATE).build();
    AsyncDataStream.orderedWait(numbers, async (x: number) => x * 2, 1000).print();
    AsyncDataStream.unorderedWait(numbers, new Lookup(), Duration.ofSeconds(5), 7).print();
    AsyncDataStream.orderedWaitWithRetry(numbers, new Lookup(), 1000, 3, retry).print();
    AsyncDataStream.unorderedWaitWithRetry(numbers, async (x: number) => [String(x)], 1000, 3, retry).uid('enrich').print();
    const graph = env.getStreamGraph();
    const asyncNodes = [...graph.nodes.values()].filter((n) => n.kind === 'AsyncWait');
    expect(asyncNodes.map((n) => n.name)).toEqual(Array(4).fill('async wait operator'));
    for (const n of asyncNodes) expect(n.operatorFactory()).toBeInstanceOf(AsyncWaitOperator);
  });

  it('rejects a timeout or capacity out of range while the job is built', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const numbers = env.fromSequence(1, 10);
    expect(() => AsyncDataStream.orderedWait(numbers, async (x: number) => x, 0)).toThrow(InvalidAsyncOptionsError);
    expect(() => AsyncDataStream.unorderedWait(numbers, async (x: number) => x, 100, 0)).toThrow(/capacity must be an integer from 1/);
    expect(() => AsyncDataStream.orderedWait(numbers, async (x: number) => x, -5)).toThrow(/timeout/);
  });
});
