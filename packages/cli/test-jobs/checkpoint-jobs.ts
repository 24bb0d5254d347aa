/**
 * End-to-end fixture for checkpoints and recovery. A rate-limited sequence with event-time
 * timestamps (one source subtask, so each key sees its values in order and the running sums do not
 * depend on how parallel sources interleave) goes through keyed state (a running sum per key, in ValueState) and event-time tumbling
 * windows (sum per key and window) into an exactly-once sink; with `--fail-after K` the keyed
 * function of every subtask throws after its K-th record of the first attempt, so the job restores
 * from its latest checkpoint. The committed output must equal a failure-free run's exactly.
 *
 * Arguments: --n N (records), --rate R (records per second), --fail-after K (0: no failure),
 * --out DIR (the sink's directory), --parallel-source (see main), --savepoint-after K with
 * --savepoint-dir DIR (stop with a savepoint once K lines are committed; prints its path). Checkpointing comes from the command line
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
  type OnTimerContext,
  type ListState,
  type ValueState,
} from '@flott/api-datastream';

const KEYS = 7;

/**
 * Running sum per key; in the first attempt of each subtask it throws at its `failAfter`-th record
 * after the first completed checkpoint, so the restore always starts from a checkpoint. With
 * `finalOnly` it emits nothing per record but the final sum and count per key from an event-time timer
 * at the end of input: a result that does not depend on the order in which parallel sources' records
 * arrive, and that needs the timer (registered before a checkpoint) to survive the restore.
 */
class RunningSum extends KeyedProcessFunction<number, number, string> implements CheckpointListener {
  private sum!: ValueState<number>;
  private count!: ValueState<number>;
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
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
  }

  notifyCheckpointComplete(): void {
    this.checkpointCompleted = true;
  }

  override onTimer(_timestamp: number, ctx: OnTimerContext<number>, out: Collector<string>): void {
    out.collect(`final ${ctx.getCurrentKey()} ${this.sum.value()} ${this.count.value()}`);
  }

  processElement(value: number, ctx: KeyedProcessContext<number>, out: Collector<string>): void {
    if (this.failAfter > 0 && this.checkpointCompleted && this.getRuntimeContext().getAttemptNumber() === 0 && ++this.seenAfterCheckpoint === this.failAfter) {
      throw new Error(`injected failure after ${this.failAfter} records`);
    }
    const sum = (this.sum.value() ?? 0) + value;
    this.sum.update(sum);
    this.count.update((this.count.value() ?? 0) + 1);
    if (this.finalOnly) ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER);
    else out.collect(`sum ${ctx.getCurrentKey()} ${value} ${sum}`);
  }
}

/**
 * A two-phase-commit sink as Flink's exactly-once sinks work: lines since the last checkpoint are
 * staged with the checkpoint's id and the subtask that wrote them in operator state; a completed
 * checkpoint commits its lines to `part-<subtask>-<checkpoint>` (idempotently: a file that exists is
 * not written again); after a restore, at any parallelism, staged lines of the restored checkpoint are
 * committed under the subtask that staged them. End of input commits the rest.
 */
type Staged = [checkpointId: number, subtask: number, lines: string[]];

class ExactlyOnceFileSink<T> extends RichSinkFunction<T> implements CheckpointedFunction, CheckpointListener {
  private pending: string[] = [];
  private staged: Staged[] = [];
  private state!: ListState<Staged>;

  constructor(private readonly dir: string) {
    super();
  }

  initializeState(context: FunctionInitializationContext): void {
    this.state = context.getOperatorStateStore().getListState(new ListStateDescriptor<Staged>('staged'));
    if (!context.isRestored()) return;
    const restoredId = context.getRestoredCheckpointId()!;
    fs.writeFileSync(path.join(this.dir, `restored-${this.subtask()}-${restoredId}`), '');
    for (const [id, subtask, lines] of this.state.get()) if (id <= restoredId) this.commit(id, subtask, lines);
    this.state.clear();
  }

  invoke(value: T): void {
    this.pending.push(String(value));
  }

  snapshotState(context: FunctionSnapshotContext): void {
    this.staged.push([context.getCheckpointId(), this.subtask(), this.pending]);
    this.pending = [];
    this.state.update(this.staged);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    for (const [id, subtask, lines] of this.staged) if (id <= checkpointId) this.commit(id, subtask, lines);
    this.staged = this.staged.filter(([id]) => id > checkpointId);
  }

  finish(): void {
    for (const [id, subtask, lines] of this.staged) this.commit(id, subtask, lines);
    this.commit(Number.MAX_SAFE_INTEGER, this.subtask(), this.pending);
  }

  private subtask(): number {
    return this.getRuntimeContext().getIndexOfThisSubtask();
  }

  private commit(checkpointId: number, subtask: number, lines: readonly string[]): void {
    const file = path.join(this.dir, `part-${subtask}-${checkpointId}`);
    if (fs.existsSync(file)) return;
    fs.writeFileSync(`${file}.tmp`, lines.map((l) => `${l}\n`).join(''));
    fs.renameSync(`${file}.tmp`, file);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const n = params.getInt('n', 4000);
  const out = params.getRequired('out');
  for (const dir of ['sums', 'windows']) fs.mkdirSync(path.join(out, dir), { recursive: true });
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  // One source subtask keeps each key's values in order; --parallel-source runs it at the job's
  // parallelism, so every keyed subtask has several input channels to align.
  const parallelSource = params.has('parallel-source');
  const sourceParallelism = parallelSource ? env.getParallelism() : 1;
  const numbers = env
    .fromGenerator(n, (i) => i, { recordsPerSecond: params.getInt('rate', 4000) })
    .setParallelism(sourceParallelism)
    .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<number>(0).withTimestampAssigner((v) => v))
    .setParallelism(sourceParallelism);
  const keyed = numbers.keyBy((v) => v % KEYS);
  keyed.process(new RunningSum(params.getInt('fail-after', 0), parallelSource)).addSink(new ExactlyOnceFileSink<string>(path.join(out, 'sums')));
  keyed
    .window(TumblingEventTimeWindows.of(100))
    .reduce((a, b) => a + b, (key, window, sums, collector) => {
      for (const s of sums) collector.collect(`window ${key} ${window.start} ${s}`);
    })
    .addSink(new ExactlyOnceFileSink<string>(path.join(out, 'windows')));
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
  const savepoint = await client.stopWithSavepoint(false, params.getRequired('savepoint-dir'));
  process.stdout.write(`${JSON.stringify({ savepoint })}\n`);
}

