import { FlottError, serializeError, type Clock } from '@flott/core';
import type { TaskDeploymentDescriptor } from '../../deployment/task-deployment-descriptor';
import { ExecutionState } from '../../execution/execution-state';
import type { StreamStateHandle } from '../../snapshot/snapshot-data';
import type { Cancellable } from '../../time/clock';
import type { FromSlot } from '../../taskexecutor/slot-protocol';
import type { HostScheduler } from './host-scheduler';
import type { SimulatedCheckpointStorage } from './simulated-checkpoint-storage';
import type { SimulatedDataPlane, SimulatedSinkStore } from './simulated-data-plane';
import type { SimulationLedger } from './simulation-ledger';
import type { SimulationTrace } from './simulation-trace';

/** The simulated job's size and pace. */
export interface SimulatedWorkload {
  /** Records each source subtask emits before its input ends. */
  readonly recordsPerSubtask: number;
  /** Records a source emits (and elements a sink reads per channel) each tick. */
  readonly recordsPerTick: number;
  readonly tickMs: number;
  /** How long a consumer waits for its producer's partition to appear before it fails (taskmanager.network.partition-request-timeout). */
  readonly partitionRequestTimeoutMs: number;
}

/** What a simulated task runs on: its TaskManager's timers, the shared storage, data plane and sink, the books. */
export interface SimulatedTaskContext {
  readonly host: string;
  readonly scheduler: HostScheduler;
  readonly clock: Clock;
  readonly storage: SimulatedCheckpointStorage;
  readonly dataPlane: SimulatedDataPlane;
  readonly sinkStore: SimulatedSinkStore;
  readonly ledger: SimulationLedger;
  readonly trace: SimulationTrace;
  readonly workload: SimulatedWorkload;
  /** To the slot's TaskExecutor (the slot protocol). */
  send(msg: FromSlot): void;
}

/** A task the simulator failed on purpose or because its inputs broke (as a real task fails). */
export class SimulatedTaskError extends FlottError {
  constructor(task: string, reason: string) {
    super('SIMULATED_TASK_FAILED', `Simulated task ${task} failed: ${reason}`, { task, reason });
  }
}

/**
 * One deployed attempt played by the simulator instead of a StreamTask: it reports INITIALIZING,
 * restores the state its deployment names, reports RUNNING, works one tick at a time on its
 * TaskManager's timers, takes part in checkpoints and ends FINISHED, FAILED or CANCELED. Subclasses
 * are the source and the exactly-once sink. Everything stops when its TaskManager dies.
 */
export abstract class SimulatedTask {
  private state = ExecutionState.DEPLOYING;
  private ticker: Cancellable | undefined;

  constructor(
    readonly tdd: TaskDeploymentDescriptor,
    protected readonly ctx: SimulatedTaskContext,
  ) {}

  get attemptId(): string {
    return this.tdd.attemptId;
  }

  /** "name (i/p)#attempt", as the runtime names tasks. */
  get name(): string {
    return `${this.tdd.vertex.name} (${this.tdd.subtaskIndex + 1}/${this.tdd.vertex.parallelism})#${this.tdd.attemptNumber}`;
  }

  protected get operatorId(): string {
    return this.tdd.vertex.operators[0].operatorId;
  }

  protected get running(): boolean {
    return this.state === ExecutionState.RUNNING && this.ctx.scheduler.alive;
  }

  get ended(): boolean {
    return this.state === ExecutionState.FINISHED || this.state === ExecutionState.FAILED || this.state === ExecutionState.CANCELED;
  }

  async start(): Promise<void> {
    this.onDeploy();
    this.report(ExecutionState.INITIALIZING);
    if (this.tdd.restore?.finishedOnRestore) {
      // It had finished in the checkpoint restored from: it ends its partition at once, as a StreamTask deployed as finished does.
      this.report(ExecutionState.RUNNING);
      this.endPartition();
      this.finish();
      return;
    }
    let restored: unknown;
    try {
      restored = await this.readRestoredState();
    } catch (e) {
      this.fail(`restoring its state failed: ${(e as Error).message}`);
      return;
    }
    if (this.ended || !this.ctx.scheduler.alive) return;
    this.restore(restored);
    this.report(ExecutionState.RUNNING);
    const { tdd } = this;
    this.ctx.ledger.taskRunning({ attemptId: tdd.attemptId, vertexId: tdd.vertex.id, subtaskIndex: tdd.subtaskIndex, attemptNumber: tdd.attemptNumber, host: this.ctx.host }, this.ctx.clock.currentTimeMillis());
    this.scheduleTick();
  }

  cancel(): void {
    this.end(ExecutionState.CANCELED);
  }

  fail(reason: string): void {
    this.end(ExecutionState.FAILED, new SimulatedTaskError(this.name, reason));
  }

  /** A trigger from the checkpoint coordinator (sources only). */
  abstract triggerCheckpoint(checkpointId: number, location: string): void;

  abstract notifyCheckpoint(checkpointId: number, completed: boolean): void;

  /** Registers what the task produces, before it reports INITIALIZING. */
  protected onDeploy(): void {}

  /** Takes the state read at deployment (undefined: none). */
  protected abstract restore(state: unknown): void;

  /** One tick of work while RUNNING. */
  protected abstract tick(): void;

  /** The task ended; FINISHED keeps what it produced, every other end breaks it. */
  protected onEnd(_state: ExecutionState): void {}

  /** Ends the task's output partition (end-of-partition on every subpartition); nothing for a sink. */
  protected endPartition(): void {}

  /** Tells the JobMaster that the task finished its work and waits for its final checkpoint. */
  protected notifyEndOfData(): void {
    this.ctx.trace.record(`task ${this.name} reached the end of its data`);
    this.ctx.send({ type: 'end-of-data', attemptId: this.attemptId });
  }

  protected finish(): void {
    this.end(ExecutionState.FINISHED);
  }

  /** Writes `state` for `checkpointId` (possibly slowly, possibly failing), then acknowledges or declines. */
  protected snapshot(checkpointId: number, location: string, state: unknown): void {
    const bytes = new TextEncoder().encode(JSON.stringify(state));
    this.ctx.storage.writeState({ checkpointId, pointer: location }, `${this.attemptId}-${this.operatorId}`, bytes).then(
      (handle) => {
        if (this.ended || !this.ctx.scheduler.alive) return;
        this.ctx.ledger.acknowledged(checkpointId, this.tdd.vertex.id, this.tdd.subtaskIndex);
        this.ctx.trace.record(`task ${this.name} acks checkpoint ${checkpointId}`);
        this.ctx.send({ type: 'checkpoint-ack', ack: { jobId: this.tdd.jobId, attemptId: this.attemptId, checkpointId, state: { [this.operatorId]: { operator: handle } } } });
      },
      (e: unknown) => this.decline(checkpointId, e instanceof Error ? e : new Error(String(e)), true),
    );
  }

  protected decline(checkpointId: number, cause: Error, countsAsFailure: boolean): void {
    if (this.ended || !this.ctx.scheduler.alive) return;
    this.ctx.trace.record(`task ${this.name} declines checkpoint ${checkpointId}: ${cause.message}`);
    this.ctx.send({ type: 'checkpoint-decline', decline: { jobId: this.tdd.jobId, attemptId: this.attemptId, checkpointId, error: serializeError(cause), countsAsFailure } });
  }

  private async readRestoredState(): Promise<unknown> {
    const handle: StreamStateHandle | undefined = this.tdd.restore?.operators[this.operatorId]?.operator[this.tdd.subtaskIndex];
    if (!handle) return undefined;
    const bytes = await this.ctx.storage.readState(handle);
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  private scheduleTick(): void {
    this.ticker = this.ctx.scheduler.schedule(this.ctx.workload.tickMs, () => {
      if (!this.running) return;
      this.tick();
      if (this.running) this.scheduleTick();
    });
  }

  private end(state: ExecutionState, error?: Error): void {
    if (this.ended || !this.ctx.scheduler.alive) return;
    this.state = state;
    this.ticker?.cancel();
    this.ctx.ledger.taskEnded(this.attemptId);
    if (state === ExecutionState.FINISHED) this.ctx.ledger.subtaskFinished(this.tdd.vertex.id, this.tdd.subtaskIndex);
    this.onEnd(state);
    this.ctx.trace.record(`task ${this.name} ${state}${error ? `: ${error.message}` : ''}`);
    this.sendState(state, error);
  }

  private report(state: ExecutionState): void {
    this.state = state;
    this.ctx.trace.record(`task ${this.name} ${state} on ${this.ctx.host}`);
    this.sendState(state);
  }

  private sendState(state: ExecutionState, error?: Error): void {
    this.ctx.send({ type: 'task-state', update: { jobId: this.tdd.jobId, attemptId: this.attemptId, state, ...(error ? { error: serializeError(error) } : {}) } });
  }
}

/**
 * A source subtask: emits records `subtask * recordsPerSubtask + offset` round-robin into its
 * subpartitions, a batch per tick; its state is the offset. A checkpoint trigger snapshots the offset
 * and puts a barrier into every subpartition. At the end of its records it ends its data and, when
 * the job checkpoints after tasks finish, waits for a checkpoint it takes from then on to complete
 * (as a StreamTask does); then it ends its partition and finishes.
 */
export class SimulatedSourceTask extends SimulatedTask {
  private offset = 0;
  private reportedData = false;
  /** While it waits for its final checkpoint: the newest checkpoint it had taken at the end of its data. */
  private finalAfter: number | undefined;
  private lastTaken = -1;

  private get output() {
    return this.tdd.outputs[0];
  }

  protected override onDeploy(): void {
    if (this.output) this.ctx.dataPlane.register(this.output.partitionKey, this.output.numSubpartitions, this.ctx.host);
  }

  protected restore(state: unknown): void {
    this.offset = state === undefined ? 0 : (state as { offset: number }).offset;
  }

  protected tick(): void {
    const { recordsPerSubtask, recordsPerTick } = this.ctx.workload;
    const output = this.output;
    const first = this.tdd.subtaskIndex * recordsPerSubtask;
    if (output && !this.reportedData) {
      // As a real partition does on its first buffer: lazy scheduling deploys the consumers then.
      this.reportedData = true;
      this.ctx.send({ type: 'partition-data-available', partitionKey: output.partitionKey, attemptId: this.attemptId });
    }
    for (let i = 0; i < recordsPerTick && this.offset < recordsPerSubtask; i++, this.offset++) {
      if (output) this.ctx.dataPlane.emit(output.partitionKey, this.offset % output.numSubpartitions, { kind: 'record', value: first + this.offset });
    }
    if (this.offset < recordsPerSubtask || this.finalAfter !== undefined) return;
    if (!this.tdd.checkpointsAfterTasksFinish) {
      this.endPartition();
      this.finish();
      return;
    }
    if (output) for (let s = 0; s < output.numSubpartitions; s++) this.ctx.dataPlane.emit(output.partitionKey, s, { kind: 'end-of-data' });
    this.finalAfter = this.lastTaken;
    this.notifyEndOfData();
  }

  protected override endPartition(): void {
    const output = this.output;
    if (output) for (let s = 0; s < output.numSubpartitions; s++) this.ctx.dataPlane.emit(output.partitionKey, s, { kind: 'end' });
  }

  triggerCheckpoint(checkpointId: number, location: string): void {
    if (!this.running) {
      this.decline(checkpointId, new SimulatedTaskError(this.name, 'not running'), false);
      return;
    }
    const output = this.output;
    if (output) for (let s = 0; s < output.numSubpartitions; s++) this.ctx.dataPlane.emit(output.partitionKey, s, { kind: 'barrier', checkpointId, location });
    this.lastTaken = Math.max(this.lastTaken, checkpointId);
    this.snapshot(checkpointId, location, { offset: this.offset });
  }

  notifyCheckpoint(checkpointId: number, completed: boolean): void {
    if (!this.running || !completed || this.finalAfter === undefined || checkpointId <= this.finalAfter || checkpointId > this.lastTaken) return;
    this.endPartition();
    this.finish();
  }

  protected override onEnd(state: ExecutionState): void {
    if (state !== ExecutionState.FINISHED && this.output) this.ctx.dataPlane.fail(this.output.partitionKey, `producer ${this.name} is ${state}`);
  }
}
