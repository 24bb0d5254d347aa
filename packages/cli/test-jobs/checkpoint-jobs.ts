/**
 * End-to-end fixture for checkpoints and recovery. A rate-limited sequence with event-time
 * timestamps (one source subtask, so each key sees its values in order and the running sums do not
 * depend on how parallel sources interleave) goes through keyed state (a running sum per key, in ValueState, and a
 * class instance kept with a custom serializer) and event-time tumbling
 * windows (sum per key and window) into exactly-once FileSinks (Sink V2, two-phase commit); with `--fail-after K` the keyed
 * function of every subtask throws after its K-th record of the first attempt, so the job restores
 * from its latest checkpoint. The committed output must equal a failure-free run's exactly.
 *
 * Arguments: --n N (records), --rate R (records per second), --fail-after K (0: no failure),
 * --exit-source-thread K (0: never; else, in the first attempt, the source's slot thread ends at the
 * first record ≥ K after a completed checkpoint: `process.exit` in a worker, as a crash would),
 * --out DIR (the sink's directory), --parallel-source (see main), --savepoint-after K with
 * --savepoint-dir DIR (stop with a savepoint once K lines are committed; prints its path and the job status then; --drain drains first).
 * Checkpointing comes from the command line
 * (-D execution.checkpointing.interval=...), as an operator would set it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BasePathBucketAssigner, DefaultRollingPolicy, FileSink, OnCheckpointRollingPolicy, SimpleStringEncoder } from '@flott/connector-files';
import {
  Duration,
  KeyedProcessFunction,
  ParameterTool,
  RichMapFunction,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type CheckpointListener,
  type CheckpointedFunction,
  type Collector,
  type DataStream,
  type FunctionInitializationContext,
  type KeyedProcessContext,
  type OnTimerContext,
  type TypeSerializer,
  type ValueState,
} from '@flott/api-datastream';

const KEYS = 7;

/**
 * A key's record count and last value, as a class: its state has a custom serializer, so it comes
 * back from a checkpoint or savepoint (and from the lmdb backend) with its prototype, which msgpack
 * would lose (`add` would then be missing).
 */
class Tally {
  constructor(
    readonly count: number,
    readonly last: number,
  ) {}

  add(value: number): Tally {
    return new Tally(this.count + 1, value);
  }
}

/** Two doubles, in a plain Uint8Array (the runtime takes any). */
const TALLY_SERIALIZER: TypeSerializer<Tally> = {
  serialize(tally) {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, tally.count);
    view.setFloat64(8, tally.last);
    return bytes;
  },
  deserialize(bytes) {
    if (bytes.byteLength !== 16) throw new Error(`a tally is 16 bytes, got ${bytes.byteLength}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Tally(view.getFloat64(0), view.getFloat64(8));
  },
};

/** Passes records on; ends its slot thread once (see --exit-source-thread): its TaskManager starts another. */
class ExitThreadOnce extends RichMapFunction<number, number> implements CheckpointListener {
  private checkpointCompleted = false;

  constructor(private readonly at: number) {
    super();
  }

  notifyCheckpointComplete(): void {
    this.checkpointCompleted = true;
  }

  map(value: number): number {
    if (this.checkpointCompleted && value >= this.at && this.getRuntimeContext().getAttemptNumber() === 0) process.exit(7);
    return value;
  }
}

/**
 * Running sum per key; in the first attempt of each subtask it throws at its `failAfter`-th record
 * after the first completed checkpoint, so the restore always starts from a checkpoint. With
 * `finalOnly` it emits nothing per record but the final sum and count per key from an event-time timer
 * at the end of input: a result that does not depend on the order in which parallel sources' records
 * arrive, and that needs the timer (registered before a checkpoint) to survive the restore.
 */
class RunningSum extends KeyedProcessFunction<number, number, string> implements CheckpointListener {
  private sum!: ValueState<number>;
  private tally!: ValueState<Tally>;
  private seenAfterCheckpoint = 0;
  private checkpointCompleted = false;

  constructor(
    private readonly failAfter: number,
    private readonly finalOnly: boolean,
  ) {
    super();
  }

  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum'));
    this.tally = this.getRuntimeContext().getState(new ValueStateDescriptor<Tally>('tally', TALLY_SERIALIZER));
  }

  notifyCheckpointComplete(): void {
    this.checkpointCompleted = true;
  }

  override onTimer(_timestamp: number, ctx: OnTimerContext<number>, out: Collector<string>): void {
    out.collect(`final ${ctx.getCurrentKey()} ${this.sum.value()} ${this.tally.value()?.count}`);
  }

  processElement(value: number, ctx: KeyedProcessContext<number>, out: Collector<string>): void {
    if (this.failAfter > 0 && this.checkpointCompleted && this.getRuntimeContext().getAttemptNumber() === 0 && ++this.seenAfterCheckpoint === this.failAfter) {
      throw new Error(`injected failure after ${this.failAfter} records`);
    }
    const sum = (this.sum.value() ?? 0) + value;
    this.sum.update(sum);
    const before = this.tally.value() ?? new Tally(0, value);
    if (!(before instanceof Tally)) throw new Error(`the tally of key ${ctx.getCurrentKey()} came back without its class`);
    const tally = before.add(value);
    this.tally.update(tally);
    if (this.finalOnly) ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER);
    else out.collect(`sum ${ctx.getCurrentKey()} ${value} ${sum} ${tally.count}`);
  }
}

/**
 * Passes records on unchanged; a subtask started from a checkpoint or savepoint leaves a marker file
 * `restored-<sink>-<subtask>-<checkpoint>` in the sink's directory (beside the part files; readers of the
 * output take `part-*` files only), so the tests can tell every sink subtask was restored, not started over.
 */
class RestoreMarker extends RichMapFunction<string, string> implements CheckpointedFunction {
  constructor(private readonly dir: string) {
    super();
  }

  initializeState(context: FunctionInitializationContext): void {
    if (!context.isRestored()) return;
    const subtask = this.getRuntimeContext().getIndexOfThisSubtask();
    fs.writeFileSync(path.join(this.dir, `restored-${path.basename(this.dir)}-${subtask}-${context.getRestoredCheckpointId()}`), '');
  }

  snapshotState(): void {}

  map(value: string): string {
    return value;
  }
}

/**
 * The exactly-once sink: Flink's FileSink into `dir`, one bucket. Running sums roll by size (small
 * parts, so files are rolled between checkpoints and in-progress files span checkpoints); window
 * results roll at every checkpoint. Committed output: the finished `part-<uuid>-<n>` files.
 */
function sinkInto(stream: DataStream<string>, dir: string, rolling: 'size' | 'checkpoint', prefix = ''): void {
  const policy = rolling === 'size'
    ? DefaultRollingPolicy.builder().withMaxPartSize(2048).withRolloverInterval(Duration.ofSeconds(1)).build()
    : OnCheckpointRollingPolicy.build();
  const sink = FileSink.forRowFormat(dir, new SimpleStringEncoder<string>())
    .withBucketAssigner(new BasePathBucketAssigner<string>())
    .withRollingPolicy(policy)
    .withBucketCheckInterval(200)
    .build();
  stream.map(new RestoreMarker(dir)).name(`${prefix}restore marker ${path.basename(dir)}`).sinkTo(sink).name(`${prefix}files ${path.basename(dir)}`).uid(`${prefix}files-${path.basename(dir)}`);
}

export interface CheckpointedPipeline {
  readonly n: number;
  readonly rate: number;
  /** Records after the first completed checkpoint before the keyed function of the first attempt throws (0: never). */
  readonly failAfter: number;
  /** The sinks' folder: `sums` and `windows` in it. */
  readonly out: string;
  readonly parallelSource: boolean;
  /** Prefixes operator names and the sinks' uids, so that one job can hold several pipelines. */
  readonly prefix?: string;
  /** The record at or after which the first attempt's source thread ends (0: never). */
  readonly exitSourceThreadAt?: number;
}

/**
 * The job's pipeline: the sequence through the running sums and the windows into the two FileSinks.
 * Several calls build disconnected pipelines in one job (test-jobs/two-pipelines.ts).
 */
export function addCheckpointedPipeline(env: StreamExecutionEnvironment, { n, rate, failAfter, out, parallelSource, prefix = '', exitSourceThreadAt = 0 }: CheckpointedPipeline): void {
  for (const dir of ['sums', 'windows']) fs.mkdirSync(path.join(out, dir), { recursive: true });
  // One source subtask keeps each key's values in order; --parallel-source runs it at the job's
  // parallelism, so every keyed subtask has several input channels to align.
  const sourceParallelism = parallelSource ? env.getParallelism() : 1;
  const generator = env.fromGenerator(n, (i) => i, { recordsPerSecond: rate });
  // Named only in a job of several pipelines: the single pipeline keeps the default names the tests match.
  const numbers = (prefix ? generator.name(`${prefix}Generator Source`) : generator)
    .setParallelism(sourceParallelism)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<number>(0).withTimestampAssigner((v) => v))
    .setParallelism(sourceParallelism);
  // Chained to the source: the thread it ends is the one that produces for both keyed subtasks.
  const keyed = (exitSourceThreadAt > 0 ? numbers.map(new ExitThreadOnce(exitSourceThreadAt)).setParallelism(sourceParallelism) : numbers).keyBy((v) => v % KEYS);
  const sums = keyed.process(new RunningSum(failAfter, parallelSource));
  sinkInto(prefix ? sums.name(`${prefix}KeyedProcess`) : sums, path.join(out, 'sums'), 'size', prefix);
  const windows = keyed
    .window(TumblingEventTimeWindows.of(100))
    .reduce((a, b) => a + b, (key, window, sums, collector: Collector<string>) => {
      for (const s of sums) collector.collect(`window ${key} ${window.start} ${s}`);
    });
  sinkInto(windows, path.join(out, 'windows'), 'checkpoint', prefix);
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const n = params.getInt('n', 4000);
  const out = params.getRequired('out');
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const parallelSource = params.has('parallel-source');
  addCheckpointedPipeline(env, {
    n, rate: params.getInt('rate', 4000), failAfter: params.getInt('fail-after', 0), out, parallelSource, exitSourceThreadAt: params.getInt('exit-source-thread', 0),
  });
  const savepointAfter = params.getInt('savepoint-after', 0);
  if (savepointAfter === 0) {
    await env.execute('checkpointed job');
    return;
  }
  // Once the sink committed `savepointAfter` lines, stop the job with a savepoint and print its path.
  const client = await env.executeAsync('checkpointed job');
  const committed = () =>
    fs.readdirSync(path.join(out, 'sums')).filter((f) => f.startsWith('part-') && !f.endsWith('.tmp'))
      .reduce((n, f) => n + fs.readFileSync(path.join(out, 'sums', f), 'utf8').split('\n').filter(Boolean).length, 0);
  while (committed() < savepointAfter) await new Promise((r) => setTimeout(r, 10));
  // --drain: Flink's stop --drain (event time ends, every operator finishes before the savepoint).
  const savepoint = await client.stopWithSavepoint(params.has('drain'), params.getRequired('savepoint-dir'));
  process.stdout.write(`${JSON.stringify({ savepoint, status: await client.getJobStatus() })}\n`);
}

