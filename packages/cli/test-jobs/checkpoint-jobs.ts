/**
 * End-to-end fixture for checkpoints and recovery. A rate-limited sequence with event-time
 * timestamps goes through keyed state (a running sum per key, in ValueState) and event-time tumbling
 * windows (sum per key and window) into an exactly-once sink; with `--fail-after K` the keyed
 * function of every subtask throws after its K-th record of the first attempt, so the job restores
 * from its latest checkpoint. The committed output must equal a failure-free run's exactly.
 *
 * Arguments: --n N (records), --rate R (records per second), --fail-after K (0: no failure),
 * --out DIR (the sink's directory). Checkpointing comes from the command line
 * (-D execution.checkpointing.interval=...), as an operator would set it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  KeyedProcessFunction,
  ListStateDescriptor,
  ParameterTool,
  RichSinkFunction,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type CheckpointListener,
  type CheckpointedFunction,
  type Collector,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type KeyedProcessContext,
  type ListState,
  type ValueState,
} from '@flott/api-datastream';

const KEYS = 7;

/** Running sum per key; throws after `failAfter` records in the first attempt of each subtask. */
class RunningSum extends KeyedProcessFunction<number, number, string> {
  private sum!: ValueState<number>;
  private seenThisAttempt = 0;

  constructor(private readonly failAfter: number) {
    super();
  }

  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('sum'));
  }

  processElement(value: number, ctx: KeyedProcessContext<number>, out: Collector<string>): void {
    if (this.failAfter > 0 && this.getRuntimeContext().getAttemptNumber() === 0 && ++this.seenThisAttempt === this.failAfter) {
      throw new Error(`injected failure after ${this.failAfter} records`);
    }
    const sum = (this.sum.value() ?? 0) + value;
    this.sum.update(sum);
    out.collect(`sum ${ctx.getCurrentKey()} ${value} ${sum}`);
  }
}

/**
 * A two-phase-commit sink as Flink's exactly-once sinks work: lines since the last checkpoint are
 * staged with the checkpoint's id in operator state; a completed checkpoint commits its lines to
 * `part-<subtask>-<checkpoint>` (idempotently: a file that exists is not written again); after a
 * restore, staged lines of the restored checkpoint are committed. End of input commits the rest.
 */
class ExactlyOnceFileSink<T> extends RichSinkFunction<T> implements CheckpointedFunction, CheckpointListener {
  private pending: string[] = [];
  private staged: Array<[number, string[]]> = [];
  private state!: ListState<[number, string[]]>;

  constructor(private readonly dir: string) {
    super();
  }

  initializeState(context: FunctionInitializationContext): void {
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<[number, string[]]>('staged'));
    if (!context.isRestored()) return;
    const restoredId = context.getRestoredCheckpointId()!;
    fs.writeFileSync(path.join(this.dir, `restored-${this.getRuntimeContext().getIndexOfThisSubtask()}-${restoredId}`), '');
    for (const [id, lines] of this.state.get()) if (id <= restoredId) this.commit(id, lines);
  }

  invoke(value: T): void {
    this.pending.push(String(value));
  }

  snapshotState(context: FunctionSnapshotContext): void {
    this.staged.push([context.getCheckpointId(), this.pending]);
    this.pending = [];
    this.state.update(this.staged);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    for (const [id, lines] of this.staged) if (id <= checkpointId) this.commit(id, lines);
    this.staged = this.staged.filter(([id]) => id > checkpointId);
  }

  finish(): void {
    for (const [id, lines] of this.staged) this.commit(id, lines);
    this.commit(Number.MAX_SAFE_INTEGER, this.pending);
  }

  private commit(checkpointId: number, lines: readonly string[]): void {
    const file = path.join(this.dir, `part-${this.getRuntimeContext().getIndexOfThisSubtask()}-${checkpointId}`);
    if (fs.existsSync(file)) return;
    fs.writeFileSync(`${file}.tmp`, lines.map((l) => `${l}\n`).join(''));
    fs.renameSync(`${file}.tmp`, file);
  }
}

async function main(): Promise<void> {
  const params = ParameterTool.fromArgs(process.argv.slice(2));
  const n = params.getInt('n', 4000);
  const out = params.getRequired('out');
  for (const dir of ['sums', 'windows']) fs.mkdirSync(path.join(out, dir), { recursive: true });
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const numbers = env
    .fromGenerator(n, (i) => i, { recordsPerSecond: params.getInt('rate', 4000) })
    .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v));
  const keyed = numbers.keyBy((v) => v % KEYS);
  keyed.process(new RunningSum(params.getInt('fail-after', 0))).addSink(new ExactlyOnceFileSink<string>(path.join(out, 'sums')));
  keyed
    .window(TumblingEventTimeWindows.of(100))
    .reduce((a, b) => a + b, (key, window, sums, collector) => {
      for (const s of sums) collector.collect(`window ${key} ${window.start} ${s}`);
    })
    .addSink(new ExactlyOnceFileSink<string>(path.join(out, 'windows')));
  await env.execute('checkpointed job');
}

void main();
