/**
 * End-to-end fixture of Async I/O (issue 17): the numbers 0..n-1 enriched by an HTTP service the test
 * runs on loopback (`GET <url>/enrich/<id>` → `{"id", "name"}`), through AsyncDataStream.
 *
 * Arguments: --url URL, --n N, --rate R (records per second; unlimited unless given), --mode
 * ordered|unordered, --capacity C, --timeout MS (the operator's), --attempt-timeout MS (each fetch is
 * aborted after it: a hung request then fails and may be retried; 0: never), --retry none|fixed|exp
 * (on any error), --on-timeout fail|fallback (fallback: the function's timeout() emits `<id> timeout`),
 * --watermark-every K (a watermark after every K-th record, at its timestamp = its number), --out DIR
 * (an exactly-once FileSink; else print), --fail-after K (in the first attempt, a map after the async
 * stage throws at its K-th record after the first completed checkpoint).
 *
 * Printed lines (no --out): `<id> <name> <watermark seen by the next task when the record arrived>`.
 */
import {
  AsyncDataStream,
  AsyncRetryPredicates,
  AsyncRetryStrategies,
  ParameterTool,
  ProcessFunction,
  RichAsyncFunction,
  RichMapFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type AsyncRetryStrategy,
  type CheckpointListener,
  type Collector,
  type ProcessContext,
  type ResultFuture,
} from '@flott/api-datastream';
import { BasePathBucketAssigner, FileSink, OnCheckpointRollingPolicy, SimpleStringEncoder } from '@flott/connector-files';

interface Enriched {
  readonly id: number;
  readonly name: string;
}

/** One lookup; a status other than 200 or an aborted fetch rejects. */
async function lookup(url: string, id: number, attemptTimeoutMs: number): Promise<Enriched> {
  const res = await fetch(`${url}/enrich/${id}`, attemptTimeoutMs > 0 ? { signal: AbortSignal.timeout(attemptTimeoutMs) } : {});
  if (res.status !== 200) throw new Error(`enrichment service answered ${res.status} for ${id}`);
  return (await res.json()) as Enriched;
}

/** The Flink-style function, with a timeout() that emits a marker instead of failing. */
class EnrichWithFallback extends RichAsyncFunction<number, Enriched> {
  constructor(
    private readonly url: string,
    private readonly attemptTimeoutMs: number,
  ) {
    super();
  }
  asyncInvoke(input: number, resultFuture: ResultFuture<Enriched>): void {
    lookup(this.url, input, this.attemptTimeoutMs).then(
      (e) => resultFuture.complete([e]),
      (e: unknown) => resultFuture.completeExceptionally(e),
    );
  }
  timeout(input: number, resultFuture: ResultFuture<Enriched>): void {
    resultFuture.complete([{ id: input, name: 'timeout' }]);
  }
}

/** Throws once, in the first attempt, at its K-th record after the first completed checkpoint. */
class FailOnce extends RichMapFunction<string, string> implements CheckpointListener {
  private checkpointed = false;
  private seen = 0;
  constructor(private readonly failAfter: number) {
    super();
  }
  notifyCheckpointComplete(): void {
    this.checkpointed = true;
  }
  map(value: string): string {
    if (this.failAfter > 0 && this.checkpointed && this.getRuntimeContext().getAttemptNumber() === 0 && ++this.seen === this.failAfter) {
      throw new Error(`injected failure after ${this.failAfter} records`);
    }
    return value;
  }
}

/** Prints each record with the watermark its task had seen when the record arrived. */
class WithWatermark extends ProcessFunction<Enriched, string> {
  processElement(value: Enriched, ctx: ProcessContext, out: Collector<string>): void {
    const wm = ctx.currentWatermark();
    out.collect(`${value.id} ${value.name} ${Number.isFinite(wm) && wm > Number.MIN_SAFE_INTEGER ? wm : 'none'}`);
  }
}

function retryStrategy(kind: string): AsyncRetryStrategy<Enriched> | undefined {
  if (kind === 'fixed') return new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<Enriched>(3, 20).ifException(AsyncRetryPredicates.HAS_EXCEPTION_PREDICATE).build();
  if (kind === 'exp') {
    return new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<Enriched>(3, 10, 100, 2).ifException(AsyncRetryPredicates.HAS_EXCEPTION_PREDICATE).build();
  }
  return undefined;
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const url = params.getRequired('url');
  const n = params.getInt('n', 100);
  const rate = params.getInt('rate', 0);
  const capacity = params.getInt('capacity', 100);
  const timeout = params.getInt('timeout', 10_000);
  const attemptTimeout = params.getInt('attempt-timeout', 0);
  const every = params.getInt('watermark-every', 0);
  const out = params.get('out');
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);

  let numbers = env.fromGenerator(n, (i) => i, rate > 0 ? { recordsPerSecond: rate } : {});
  if (every > 0) {
    numbers = numbers.assignTimestampsAndWatermarks(
      WatermarkStrategy.forGenerator<number>(() => ({
        onEvent: (e, _ts, output) => {
          if (e % every === every - 1) output.emitWatermark(e);
        },
        onPeriodicEmit: () => {},
      })).withTimestampAssigner((v) => v),
    );
  }
  const fn = params.get('on-timeout', 'fail') === 'fallback' ? new EnrichWithFallback(url, attemptTimeout) : (id: number) => lookup(url, id, attemptTimeout);
  const strategy = retryStrategy(params.get('retry', 'none'));
  const ordered = params.get('mode', 'ordered') === 'ordered';
  const enriched = strategy
    ? ordered
      ? AsyncDataStream.orderedWaitWithRetry(numbers, fn, timeout, capacity, strategy)
      : AsyncDataStream.unorderedWaitWithRetry(numbers, fn, timeout, capacity, strategy)
    : ordered
      ? AsyncDataStream.orderedWait(numbers, fn, timeout, capacity)
      : AsyncDataStream.unorderedWait(numbers, fn, timeout, capacity);
  enriched.uid('enrich');

  if (out === undefined) {
    // A task of its own (rebalance), so the watermark it sees is the one the async stage sent before the record.
    enriched.rebalance().process(new WithWatermark()).print();
  } else {
    const sink = FileSink.forRowFormat(out, new SimpleStringEncoder<string>())
      .withBucketAssigner(new BasePathBucketAssigner<string>())
      .withRollingPolicy(OnCheckpointRollingPolicy.build())
      .build();
    enriched
      .map((e) => `${e.id} ${e.name}`)
      .map(new FailOnce(params.getInt('fail-after', 0)))
      .sinkTo(sink)
      .uid('files');
  }
  await env.execute('async io');
}
