/**
 * End-to-end fixture for unified sources (FLIP-27): a rate-limited DataGeneratorSource read through
 * `env.fromSource` at the job's parallelism, keyed by value mod 7 into a sum and count per key that is
 * printed only at the end of input (an event-time timer at the end of time), so the output does not
 * depend on how the readers interleave and equals a failure-free run's only when every generated index
 * reached the keyed state exactly once, across restores.
 *
 * Arguments: --n N (records), --rate R (records per second over all readers), --fail-after K (the keyed
 * function of each subtask throws at its K-th record after the first completed checkpoint, in the first
 * attempt), --savepoint-after K with --savepoint-dir DIR and --marker-dir DIR (stop with a savepoint once
 * a keyed subtask has seen K records; prints its path and the job's status then; --drain drains first),
 * --windows SIZE (also counts per key in event-time tumbling windows of SIZE, printed as `window <key>
 * <start> <count>`: the first half of the indexes has even timestamps 0, 2, 4, …, the second half odd
 * ones 1, 3, 5, …, so the two halves — the two splits at parallelism 2 — span the same time, and a reader
 * that holds both must not let the one it reads first make the other's records late).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DataGeneratorSource,
  KeyedProcessFunction,
  ParameterTool,
  ProcessWindowFunction,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type CheckpointListener,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type ProcessWindowContext,
  type TimeWindow,
  type ValueState,
} from '@flott/api-datastream';

export const KEYS = 7;

class FinalSum extends KeyedProcessFunction<number, number, string> implements CheckpointListener {
  private sum!: ValueState<number>;
  private count!: ValueState<number>;
  private seen = 0;
  private seenAfterCheckpoint = 0;
  private checkpointCompleted = false;

  constructor(
    private readonly failAfter: number,
    private readonly markerAfter: number,
    private readonly markerDir: string | undefined,
  ) {
    super();
  }

  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum'));
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
  }

  notifyCheckpointComplete(): void {
    this.checkpointCompleted = true;
  }

  processElement(value: number, ctx: KeyedProcessContext<number>): void {
    const ctxt = this.getRuntimeContext();
    if (this.failAfter > 0 && this.checkpointCompleted && ctxt.getAttemptNumber() === 0 && ++this.seenAfterCheckpoint === this.failAfter) {
      throw new Error(`injected failure after ${this.failAfter} records`);
    }
    if (this.markerDir && ++this.seen === this.markerAfter) fs.writeFileSync(path.join(this.markerDir, `seen-${ctxt.getIndexOfThisSubtask()}`), '');
    this.sum.update((this.sum.value() ?? 0) + value);
    this.count.update((this.count.value() ?? 0) + 1);
    ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER);
  }

  override onTimer(_timestamp: number, ctx: OnTimerContext<number>, out: Collector<string>): void {
    out.collect(`final ${ctx.getCurrentKey()} ${this.sum.value()} ${this.count.value()} attempt ${this.getRuntimeContext().getAttemptNumber()}`);
  }
}

class CountInWindow extends ProcessWindowFunction<number, string, number, TimeWindow> {
  process(key: number, ctx: ProcessWindowContext<TimeWindow>, values: Iterable<number>, out: Collector<string>): void {
    let count = 0;
    for (const _ of values) count++;
    out.collect(`window ${key} ${ctx.window().start} ${count}`);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const n = params.getInt('n', 3000);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const source = new DataGeneratorSource((i) => i, n, RateLimiterStrategy.perSecond(params.getInt('rate', 3000)));
  const markerDir = params.get('marker-dir');
  const savepointAfter = params.getInt('savepoint-after', 0);
  const windowSize = params.getInt('windows', 0);
  const half = Math.ceil(n / 2);
  const timestampOf = (v: number): number => (v < half ? 2 * v : 2 * (v - half) + 1);
  const numbers = env
    .fromSource(
      source,
      windowSize > 0 ? WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner(timestampOf) : WatermarkStrategy.noWatermarks<number>(),
      'generated numbers',
    )
    .uid('numbers');
  numbers
    .keyBy((v) => v % KEYS)
    .process(new FinalSum(params.getInt('fail-after', 0), savepointAfter, markerDir))
    .uid('sums')
    .print();
  if (windowSize > 0) {
    numbers
      .keyBy((v) => v % KEYS)
      .window(TumblingEventTimeWindows.of(windowSize))
      .process(new CountInWindow())
      .uid('windows')
      .print();
  }
  if (savepointAfter === 0) {
    await env.execute('unified source job');
    return;
  }
  const client = await env.executeAsync('unified source job');
  while (fs.readdirSync(markerDir!).length === 0) await new Promise((r) => setTimeout(r, 10));
  // --drain: Flink's stop --drain (event time ends, every operator finishes before the savepoint).
  const savepoint = await client.stopWithSavepoint(params.has('drain'), params.getRequired('savepoint-dir'));
  process.stdout.write(`${JSON.stringify({ savepoint, status: await client.getJobStatus() })}\n`);
}
