import { FlottError, MAX_WATERMARK, serializeError } from '@flott/core';
import { ExecutionState } from '../execution/execution-state';
import type { StreamGraph } from '../graph/stream-graph';
import { BlockingResultPartition, ResultPartition } from '../network';
import { InputStatus, isSourceOperator, type AvailabilityProvider, type MailboxExecutor, type SourceOperator } from '../operators/stream-operator';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import { OperatorEventError } from '../operators/operator-errors';
import type { TaskExecutionStateUpdate } from '../rpc/gateways';
import type { Cancellable, Scheduler } from '../time/clock';
import { TaskTimeMetrics } from './task-time-metrics';
import { yieldToEventLoop } from '../time/event-loop';
import { taskNameWithSubtaskAndAttempt, type TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { TaskCheckpoints } from './task-checkpoints';
import type { CheckpointBarrier } from './checkpoint-barrier-handler';
import { OperatorChain } from './operator-chain';
import { Wakeup } from './wakeup';
import { TaskInputs } from './task-inputs';
import type { TaskRecordCounts } from './slot-protocol';
import type { TaskEnvironment } from './task-environment';

/** Records a task processes before it lets the thread's event loop run (credits, timers, other tasks). */
const RECORDS_PER_SLICE = 4096;
/**
 * And at most this long (checked every SLICE_CLOCK_CHECK records): with slow records a slice of 4096
 * would hold the thread for tens of milliseconds, and everything else on it waits that long (an
 * unaligned barrier arriving, a checkpoint's asynchronous writes, the other tasks of the slot).
 */
const SLICE_MILLIS = 5;
const SLICE_CLOCK_CHECK = 64;
/** Records a source may emit per poll; back-pressure is checked between polls. */
const SOURCE_BATCH = 256;
const POLLS_PER_SLICE = RECORDS_PER_SLICE / SOURCE_BATCH;

/** A drained task's stop-with-savepoint failed: its operators finished, so it cannot go on. */
export class StopWithSavepointAbortedError extends FlottError {
  constructor(task: string, checkpointId: number) {
    super(
      'STOP_WITH_SAVEPOINT_ABORTED',
      `Stop-with-savepoint failed: savepoint ${checkpointId} was aborted after ${task} had drained (its operators finished); the task fails so that the job restarts from its latest checkpoint`,
      { task, checkpointId },
    );
  }
}

class TaskCanceledSignal extends FlottError {
  constructor() {
    super('TASK_CANCELED', 'Task canceled');
  }
}

/**
 * One subtask attempt running as a cooperative mailbox task on its slot's thread (Flink's
 * StreamTask). Processing happens in slices; between slices the event loop delivers network
 * buffers and credits, fires timers and runs the other tasks of the slot.
 */
export class StreamTask {
  private canceled = false;
  /** What the mailbox loop waits on (see Wakeup: no listeners pile up on shared promises). */
  private readonly wakeup = new Wakeup();
  private readonly partitions = new Map<string, { partition: ResultPartition<unknown>; descriptor: TaskDeploymentDescriptor['outputs'][number] }>();
  private inputs?: TaskInputs;
  private readonly availabilityProviders: AvailabilityProvider[] = [];
  private chain?: OperatorChain;
  private flushTimer?: Cancellable;
  /**
   * A failure that happened outside the mailbox loop's own calls (a scheduled callback such as a
   * processing-time timer or periodic watermark, or a channel that could not connect). The loop
   * throws it at its next turn, so the task fails with it instead of the slot thread dying.
   */
  private asyncError: unknown;
  private failed = false;
  /** The slot's scheduler, with every callback run as a task action: errors fail this task. */
  private readonly taskScheduler: Scheduler = {
    schedule: (delayMs, fn) => this.env.scheduler.schedule(delayMs, () => this.runAction(fn)),
    scheduleAtFixedRate: (periodMs, fn) => this.env.scheduler.scheduleAtFixedRate(periodMs, () => this.runAction(fn)),
  };
  /** Actions from outside the loop (checkpoint triggers and notifications), run by the loop between slices. */
  private readonly mail: Array<() => void> = [];
  /** True while the task processes input: only then does it take part in checkpoints. */
  private processing = false;
  /** The barrier of a stop-with-savepoint that reached the task: the loop ends and `stopWithSavepoint` takes it. */
  private stopRequest?: CheckpointBarrier;
  /** How that savepoint ended, once the JobManager told (true: completed). */
  private stopOutcome?: boolean;
  /** Scheduled callbacks (timers, periodic watermarks) held while the task stops: nothing is emitted after the barrier. */
  private readonly heldActions = new Set<() => void>();
  /** True while the operators finish (end of input or a draining stop): scheduled actions and mail then run, also during a stop. */
  private finishingOperators = false;
  /**
   * While the task waits for its final checkpoint (its operators finished): the newest checkpoint it
   * had taken when they finished. A completed checkpoint it took after that is its final one.
   */
  private finalCheckpointAfter?: number;
  /** The final checkpoint completed; resolves when the operators' notifications (commits) settled. */
  private finalCheckpointNotified?: Promise<void>;

  private readonly checkpoints: TaskCheckpoints;
  /** Busy / idle / back-pressured time, read by the slot's stats (the REST API's back-pressure). */
  readonly time: TaskTimeMetrics;
  readonly name: string;
  private readonly log: Logger;

  constructor(
    private readonly tdd: TaskDeploymentDescriptor,
    private readonly graph: StreamGraph,
    private readonly env: TaskEnvironment,
  ) {
    this.name = taskNameWithSubtaskAndAttempt(tdd);
    this.log = env.logger ?? SILENT_LOGGER;
    this.time = new TaskTimeMetrics(env.clock);
    this.checkpoints = new TaskCheckpoints({
      tdd,
      name: this.name,
      log: this.log,
      clock: env.clock,
      checkpointing: env.checkpointing,
      // A task stopping with a savepoint takes part in no other checkpoint: nothing follows that barrier.
      isProcessing: () => this.processing && this.stopRequest === undefined,
      outputs: () => [...this.partitions.values()].map((p) => p.partition),
      failAsync: (e) => this.failAsync(e),
      schedule: (delayMs, fn) => this.taskScheduler.schedule(delayMs, fn),
      stopWithSavepoint: (barrier) => {
        this.stopRequest = barrier;
        this.stopOutcome = undefined;
        this.wakeup.wake();
      },
    });
  }

  get attemptId(): string {
    return this.tdd.attemptId;
  }

  /** Fails the task from outside its loop (Flink's Task.failExternally): a remote channel of it broke. */
  failExternally(error: Error): void {
    this.failAsync(error);
  }

  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    const head = this.chain?.head.operator;
    if (head && isSourceOperator(head)) {
      try {
        head.cancel();
      } catch (e) {
        // Cancellation is best effort: the task ends as CANCELED at its next turn and close() still runs.
        this.log.warn({ err: e }, `Source of ${this.name} threw while being canceled.`);
      }
    }
    this.wakeup.wake();
  }

  /**
   * A checkpoint the JobManager triggers at this source task: the loop snapshots the chain and sends
   * the barrier downstream at its next turn. A task that is not processing (yet, or any more) declines.
   */
  triggerCheckpoint(barrier: CheckpointBarrier): void {
    // Not processing (not yet, or any more): no loop turn would take the mail, so decline at once.
    if (!this.processing) this.checkpoints.perform(barrier);
    else this.enqueueMail(() => this.performTriggered(barrier));
  }

  /**
   * A task with inputs is triggered when all its producers finished (checkpoints after tasks finish):
   * it takes the checkpoint only once it read all their data; before, records still queued on its
   * inputs would be in no checkpoint, so it declines (not counted as a failure) and a later one is taken.
   */
  private performTriggered(barrier: CheckpointBarrier): void {
    const inputs = this.inputs;
    if (inputs && !inputs.isEmpty && !inputs.isDataFinished() && this.processing) {
      this.checkpoints.declineNotReady(barrier.checkpointId, `${this.name} still reads the data of its finished inputs`);
      return;
    }
    this.checkpoints.perform(barrier);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.enqueueMail(() => this.notifyCheckpoint(checkpointId, true));
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.enqueueMail(() => this.notifyCheckpoint(checkpointId, false));
  }

  private notifyCheckpoint(checkpointId: number, completed: boolean): void {
    const notified = this.checkpoints.notify(this.chain?.members ?? [], checkpointId, completed);
    if (this.stopRequest?.checkpointId === checkpointId) this.stopOutcome = completed;
    const after = this.finalCheckpointAfter;
    if (completed && after !== undefined && checkpointId > after && checkpointId <= this.checkpoints.lastTaken) this.finalCheckpointNotified ??= notified;
  }

  /** An event from an operator's coordinator: handled as mail, in arrival order; what the operator throws fails the task. */
  deliverOperatorEvent(operatorId: string, event: unknown): void {
    this.enqueueMail(() => {
      const member = this.chain?.members.find((m) => m.operatorId === operatorId);
      if (!member?.operator.handleOperatorEvent) throw new OperatorEventError(member?.node.name ?? operatorId, 'it takes no operator events, but its coordinator sent one');
      member.operator.handleOperatorEvent(event);
    });
  }

  /** Operators' mail (async I/O results): run as task actions (held while stopping, unless the operators drain). */
  private readonly mailbox: MailboxExecutor = {
    execute: (action) => this.enqueueMail(() => this.runAction(action)),
    yield: async () => {
      this.throwIfCanceled();
      if (this.mail.length === 0) await this.wakeup.wait([]);
      this.throwIfCanceled();
      this.processMail();
    },
  };

  private enqueueMail(action: () => void): void {
    this.mail.push(action);
    this.wakeup.wake();
  }

  /** Runs the queued actions; what they throw fails the task. */
  private processMail(): void {
    while (this.mail.length > 0) this.mail.shift()!();
  }

  /** Runs the task to a terminal state and reports every transition. Never rejects. */
  async run(): Promise<ExecutionState> {
    const { tdd, env } = this;
    let previous = ExecutionState.DEPLOYING;
    const report = (state: ExecutionState, extra: Partial<TaskExecutionStateUpdate> = {}) => {
      const msg = `${this.name} (${tdd.attemptId}) switched from ${previous} to ${state}.`;
      // INFO even when failing (as Flink's Task): the failure goes to the JobMaster and the job's client.
      this.log.info(extra.error ? { err: extra.error } : {}, msg);
      previous = state;
      env.reportState({ jobId: tdd.jobId, attemptId: tdd.attemptId, state, ...extra });
    };
    let opened = false;
    try {
      report(ExecutionState.INITIALIZING);
      this.createPartitions();
      if (tdd.restore?.finishedOnRestore) {
        this.endFinishedOnRestore();
        report(ExecutionState.RUNNING);
        report(ExecutionState.FINISHED);
        return ExecutionState.FINISHED;
      }
      this.chain = new OperatorChain(
        this.graph,
        tdd.vertex.operators,
        {
          jobId: tdd.jobId,
          taskName: tdd.vertex.name,
          subtaskIndex: tdd.subtaskIndex,
          parallelism: tdd.vertex.parallelism,
          maxParallelism: tdd.vertex.maxParallelism,
          attemptNumber: tdd.attemptNumber,
        },
        this.partitions,
        tdd.vertex.bufferTimeoutMs,
        {
          clock: env.clock,
          scheduler: this.taskScheduler,
          random: env.random,
          stateBackend: env.stateBackend,
          stdout: (l) => env.stdout(l),
          stderr: (l) => env.stderr(l),
          sendOperatorEvent: (operatorId, event) => env.sendOperatorEvent(tdd.attemptId, operatorId, event),
          currentWatermark: () => this.inputs?.inputWatermark ?? Number.NEGATIVE_INFINITY,
          registerAvailabilityProvider: (p) => this.availabilityProviders.push(p),
          timerControl: {
            shouldYield: () => !this.outputsAvailable(),
            onPendingWork: this.wakeup.wake,
          },
          mailbox: this.mailbox,
          checkpointsAfterTasksFinish: tdd.checkpointsAfterTasksFinish === true,
          ...(env.localAggregation ? { localAggregation: env.localAggregation } : {}),
        },
      );
      this.inputs = new TaskInputs({
        tdd, graph: this.graph, env, chain: this.chain, checkpoints: this.checkpoints,
        failAsync: (e) => this.failAsync(e), wake: this.wakeup.wake,
      });
      this.inputs.connect();
      await this.checkpoints.initialize(this.chain.members, this.inputs.inputGates);
      // Initialise and open tail first, so every operator's downstream is ready when it opens (as Flink).
      const restoredCheckpointId = tdd.restore?.checkpointId;
      for (const m of [...this.chain.members].reverse()) {
        await m.operator.initializeState?.({
          isRestored: () => restoredCheckpointId !== undefined,
          restoredCheckpointId,
          operatorStateStore: m.operatorStateStore,
          keyedStateStore: m.keyedStateStore,
        });
        await m.operator.open();
      }
      opened = true;
      if (tdd.vertex.bufferTimeoutMs > 0 && this.partitions.size > 0) {
        // Not held while stopping: what a drain emits before the barrier is flushed on time. A task
        // without outputs (a sink) arms none: at 1 ms it would wake its thread a thousand times a second for nothing.
        this.flushTimer = env.scheduler.scheduleAtFixedRate(tdd.vertex.bufferTimeoutMs, () => this.runAction(() => this.flushPartitions(), false));
      }
      this.throwIfCanceled();
      report(ExecutionState.RUNNING);
      this.processing = true;
      const stopped = await this.processUntilEnd();
      this.processing = false;
      this.declinePendingTriggers();
      if (stopped) {
        // Stopped with a savepoint: the inputs end here, unread end-of-partitions and all.
        this.inputs?.release();
      } else {
        await this.finishOperators();
        if (tdd.checkpointsAfterTasksFinish) await this.awaitFinalCheckpoint();
      }
      this.throwIfCanceled();
      for (const { partition } of this.partitions.values()) partition.finish();
      this.flushTimer?.cancel();
      await this.closeOperators();
      await this.checkpoints.uploadsSettled();
      report(ExecutionState.FINISHED, { accumulators: this.chain.accumulatorValues() });
      return ExecutionState.FINISHED;
    } catch (e) {
      this.failed = true;
      this.processing = false;
      this.checkpoints.abandonUploads();
      this.flushTimer?.cancel();
      for (const { partition } of this.partitions.values()) partition.release();
      this.inputs?.release();
      if (opened || this.chain) {
        // The task fails or cancels with the first error; what closing then throws is secondary, so it is logged only.
        await this.closeOperators().catch((closeError: unknown) => this.log.warn({ err: closeError }, `Closing the operators of ${this.name} failed too.`));
      }
      // A terminal task writes no more checkpoint files: the JobManager may delete what it does not keep.
      await this.checkpoints.uploadsSettled();
      if (this.canceled || e instanceof TaskCanceledSignal) {
        report(ExecutionState.CANCELED);
        return ExecutionState.CANCELED;
      }
      const error = new FlottError('TASK_FAILED', `Task ${this.name} failed: ${(e as Error)?.message ?? String(e)}`, {
        task: tdd.vertex.name,
        subtaskIndex: tdd.subtaskIndex,
        attemptNumber: tdd.attemptNumber,
      }, { cause: e });
      report(ExecutionState.FAILED, { error: serializeError(error) });
      return ExecutionState.FAILED;
    } finally {
      this.chain?.dispose();
    }
  }

  /**
   * Processes input until it ends (false; a bounded source then ends event time, as Flink's sources
   * do at end of input) or a stop-with-savepoint completed (true). A stop whose savepoint was aborted
   * goes on processing.
   */
  /** The combined watermark of the task's inputs (Flink's currentInputWatermark); -Infinity for a source or before any. */
  get inputWatermark(): number {
    return this.inputs?.inputWatermark ?? Number.NEGATIVE_INFINITY;
  }

  /** Records the task read from its input gates and wrote to its result partitions so far (network records: a chain's inner hand-offs do not count, as in Flink). */
  get records(): TaskRecordCounts {
    let out = 0;
    for (const { partition } of this.partitions.values()) out += partition.numRecordsOut;
    return { in: this.inputs?.numRecordsIn ?? 0, out };
  }

  private async processUntilEnd(): Promise<boolean> {
    const head = this.chain!.head;
    this.time.start();
    for (;;) {
      if (isSourceOperator(head.operator)) await this.runSource(head.operator);
      else await this.runInputs();
      const stop = this.stopRequest;
      if (!stop) {
        if (isSourceOperator(head.operator)) head.output?.emitWatermark(MAX_WATERMARK);
        return false;
      }
      if (await this.stopWithSavepoint(stop)) return true;
    }
  }

  /**
   * The task's part in a stop-with-savepoint (Flink's synchronous savepoint). TERMINATE drains first:
   * a source ends event time, timers fire and every operator finishes (endInput), so all results go
   * out before the barrier. SUSPEND takes the savepoint as things are (no MAX_WATERMARK, no finish).
   * Then the task waits, emitting nothing, for the savepoint's outcome: completed (its sinks committed
   * up to it), the task ends (true); aborted, a suspended task goes on (false), while a drained one
   * fails, as its operators finished (the job fails over, as Flink's).
   */
  private async stopWithSavepoint(barrier: CheckpointBarrier): Promise<boolean> {
    const chain = this.chain!;
    const drain = barrier.postCheckpointAction === 'TERMINATE';
    if (drain) {
      if (isSourceOperator(chain.head.operator)) chain.head.output?.emitWatermark(MAX_WATERMARK);
      await this.finishOperators();
      this.throwIfCanceled();
    }
    this.checkpoints.performStop(barrier);
    for (;;) {
      this.throwIfCanceled();
      this.processMail();
      if (this.stopOutcome !== undefined) break;
      await this.wakeup.wait([]);
    }
    const completed = this.stopOutcome;
    this.stopRequest = undefined;
    this.stopOutcome = undefined;
    const held = [...this.heldActions];
    this.heldActions.clear();
    if (completed) return true;
    if (drain) throw new StopWithSavepointAbortedError(this.name, barrier.checkpointId);
    this.log.info({ checkpointId: barrier.checkpointId }, `${this.name} goes on processing: the savepoint ${barrier.checkpointId} it was stopping with was aborted.`);
    for (const fn of held) this.runAction(fn);
    return false;
  }

  /** End of input: no processing-time timer fires any more, pending event-time timers do, then every operator finishes. */
  private async finishOperators(): Promise<void> {
    const chain = this.chain!;
    chain.quiesceProcessingTime();
    await this.drainTimers();
    this.throwIfCanceled();
    this.finishingOperators = true;
    try {
      for (const m of chain.members) await m.operator.finish();
      for (const { target, recordsIn, recordsOut } of chain.flushOutputs()) {
        this.log.info({ target, recordsIn, recordsOut }, `${this.name} aggregated ${recordsIn} records for '${target}' locally into ${recordsOut} before the shuffle.`);
      }
    } finally {
      this.finishingOperators = false;
    }
  }

  /**
   * Checkpoints after tasks finish (FLIP-147): the operators finished, so the task ends its data
   * (end-of-data downstream, which lets its consumers finish too) and takes part in checkpoints until
   * one it took from now on completed, which is when the operators commit what they prepared at the end
   * (a sink's last transaction). Its inputs' ends of partition come meanwhile; then the task finishes,
   * and a later checkpoint records it as finished (a restore does not run it again).
   */
  private async awaitFinalCheckpoint(): Promise<void> {
    this.throwIfCanceled();
    for (const { partition } of this.partitions.values()) partition.endData();
    this.finalCheckpointAfter = this.checkpoints.lastTaken;
    this.processing = true;
    this.env.notifyEndOfData?.();
    const inputs = this.inputs;
    try {
      for (;;) {
        this.throwIfCanceled();
        this.processMail();
        const stop = this.stopRequest;
        if (stop) {
          // A stop-with-savepoint: the operators finished already, so it is taken as it is; its completion ends the wait like any checkpoint's.
          this.stopRequest = undefined;
          this.checkpoints.performStop(stop);
        }
        // Only barriers and ends of partition come now.
        if (inputs) {
          inputs.handlePriorityBarriers();
          while (inputs.processNext()) inputs.handlePriorityBarriers();
        }
        if (this.finalCheckpointNotified && (!inputs || inputs.isFinished())) break;
        await this.wakeup.wait(inputs?.whenAvailable() ?? []);
      }
    } finally {
      this.processing = false;
    }
    await this.finalCheckpointNotified;
    this.processMail();
  }

  /** Triggers that arrived after the input ended are declined (the task no longer takes part). */
  private declinePendingTriggers(): void {
    this.processMail();
  }

  private async closeOperators(): Promise<void> {
    let first: unknown;
    for (const m of this.chain?.members ?? []) {
      try {
        await m.operator.close();
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  }

  /** The mailbox loop's check between turns: cancellation, then a failure from outside the loop. */
  private throwIfCanceled(): void {
    if (this.canceled) throw new TaskCanceledSignal();
    if (this.asyncError !== undefined) throw this.asyncError;
  }

  /** Records `error` for the loop to throw at its next turn, and wakes the loop. */
  private failAsync(error: unknown): void {
    this.asyncError ??= error ?? new Error(String(error));
    this.wakeup.wake();
  }

  /**
   * Runs a scheduled callback unless the task already ended or failed; what it throws fails the task.
   * While the task stops with a savepoint, it is held (`holdWhileStopping`) until the stop ends.
   */
  private runAction(fn: () => void, holdWhileStopping = true): void {
    if (this.failed || this.canceled || this.asyncError !== undefined) return;
    // While a draining stop finishes the operators, the barrier is not sent yet: what they wait for (an async request's timeout or retry) still runs.
    if (holdWhileStopping && this.stopRequest && !this.finishingOperators) {
      this.heldActions.add(fn);
      return;
    }
    try {
      fn();
      // What a timer or mail emitted: the thread goes back to its event loop next.
      this.flushHandOvers();
    } catch (e) {
      this.failAsync(e);
    }
  }


  /**
   * Deployed as finished (its operators had finished in the checkpoint it restores from): nothing of
   * the chain runs again. Its consumers see what they saw then: the end of event time and of its partitions.
   */
  private endFinishedOnRestore(): void {
    for (const { partition } of this.partitions.values()) {
      partition.broadcastEvent({ kind: 'watermark', timestamp: MAX_WATERMARK });
      partition.finish();
    }
  }

  private createPartitions(): void {
    for (const d of this.tdd.outputs) {
      const options = {
        partitionId: d.partitionKey,
        numSubpartitions: d.numSubpartitions,
        config: this.env.network,
        serializer: this.graph.serializerOf(d.streamEdgeId),
      };
      const directory = d.resultPartitionType === 'BLOCKING' ? this.env.blockingPartitionDirectory?.() : undefined;
      const partition = directory === undefined ? new ResultPartition<unknown>(options) : new BlockingResultPartition<unknown>({ ...options, directory });
      this.partitions.set(d.streamEdgeId, { partition, descriptor: d });
      if (d.resultPartitionType === 'PIPELINED') partition.onFirstData = () => this.env.notifyPartitionDataAvailable?.(d.partitionKey);
      this.env.registerPartition(d.partitionKey, partition);
    }
  }

  private outputsAvailable(): boolean {
    for (const p of this.partitions.values()) if (!p.partition.isAvailable()) return false;
    for (const a of this.availabilityProviders) if (!a.isAvailable()) return false;
    return true;
  }

  private async whenOutputsAvailable(): Promise<void> {
    for (const p of this.partitions.values()) {
      if (!p.partition.isAvailable()) return this.wakeup.wait([p.partition.whenAvailable()]);
    }
    for (const a of this.availabilityProviders) {
      if (!a.isAvailable()) return this.wakeup.wait([a.whenAvailable()]);
    }
  }

  /** Runs pending timer firing while the outputs take it; false when it had to stop. */
  private continueTimers(): boolean {
    const chain = this.chain!;
    if (!chain.hasPendingTimers()) return true;
    return this.outputsAvailable() && chain.continueTimers();
  }

  /** Fires what timers still wait (e.g. released by the last watermark) before the operators finish. */
  private async drainTimers(): Promise<void> {
    while (!this.continueTimers()) {
      this.throwIfCanceled();
      await this.whenOutputsAvailable();
    }
  }

  private flushPartitions(): void {
    for (const { partition } of this.partitions.values()) partition.flushAll();
  }

  /**
   * Before the task lets the event loop run: partly filled segments handed over in this thread go to
   * their consumers, which run in the turns that follow (PipelinedSubpartition.flushHandOver).
   */
  private flushHandOvers(): void {
    for (const { partition } of this.partitions.values()) partition.flushHandOvers();
  }

  private async runSource(source: SourceOperator<unknown>): Promise<void> {
    const clock = this.env.clock;
    let polls = 0;
    let sliceStart = clock.relativeTimeMillis();
    for (;;) {
      this.throwIfCanceled();
      this.processMail();
      if (this.stopRequest) return;
      let wait: Promise<void> | undefined;
      if (!this.continueTimers() || !this.outputsAvailable()) {
        wait = this.time.measure('backPressured', this.whenOutputsAvailable());
      } else {
        const status = source.pollNext(SOURCE_BATCH);
        if (status === InputStatus.END_OF_INPUT) return;
        if (status === InputStatus.NOTHING_AVAILABLE) wait = this.time.measure('idle', this.wakeup.wait([source.available()]));
        else if (++polls >= POLLS_PER_SLICE || clock.relativeTimeMillis() - sliceStart >= SLICE_MILLIS) wait = yieldToEventLoop();
      }
      if (wait === undefined) continue;
      this.flushHandOvers();
      // Every wait ends a slice: the thread ran other things meanwhile.
      await wait;
      polls = 0;
      sliceStart = clock.relativeTimeMillis();
    }
  }

  private async runInputs(): Promise<void> {
    const inputs = this.inputs!;
    if (inputs.isEmpty) return;
    for (;;) {
      this.throwIfCanceled();
      this.processMail();
      if (this.stopRequest) return;
      let budget = RECORDS_PER_SLICE;
      let idle = false;
      const sliceStart = this.env.clock.relativeTimeMillis();
      while (budget-- > 0) {
        if (budget % SLICE_CLOCK_CHECK === 0 && this.env.clock.relativeTimeMillis() - sliceStart >= SLICE_MILLIS) break;
        inputs.handlePriorityBarriers();
        // Timers released by an earlier watermark fire before any later input (Flink's ordering).
        if (!this.continueTimers() || !this.outputsAvailable()) break;
        if (!inputs.processNext()) {
          idle = true;
          break;
        }
        // A stop-with-savepoint's barrier aligned: nothing after it is processed.
        if (this.stopRequest) return;
      }
      inputs.handlePriorityBarriers();
      if (inputs.isDataFinished()) return;
      this.flushHandOvers();
      if (!this.outputsAvailable()) await this.time.measure('backPressured', this.whenOutputsAvailable());
      else if (idle) await this.time.measure('idle', this.wakeup.wait(inputs.whenAvailable()));
      else await yieldToEventLoop();
    }
  }
}
