import type { ExecutionState } from '../execution/execution-state';
import { createLocalChannel, defaultNetworkConfig, type InputGate, type NetworkConfig, type ResultPartition } from '../network';
import type { CheckpointTaskMetrics, TaskExecutionStateUpdate } from '../rpc/gateways';
import type { StateBackend } from '../spi/state-backend';
import type { TaskCheckpointing, TaskEnvironment } from '../taskexecutor/task-environment';
import type { TaskStateSnapshot } from '../snapshot/snapshot-data';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import { ManualClock } from '../time/clock';

interface ParkedConnect {
  readonly subpartition: number;
  readonly gate: InputGate;
  readonly channel: number;
  readonly resolve: () => void;
}

/**
 * A slot for StreamTasks run in-process: the ManualClock is the tasks' clock and scheduler,
 * partitions live in memory and input channels connect to them through local channels (a consumer
 * that asks before its producer registered waits for it), and every reported state, printed line
 * and operator event is recorded. Several tasks may share one environment, as they share a slot.
 */
export class TestingTaskEnvironment implements TaskEnvironment {
  readonly clock: ManualClock;
  readonly network: NetworkConfig;
  readonly stateBackend?: StateBackend;
  readonly states: TaskExecutionStateUpdate[] = [];
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly operatorEvents: Array<{ readonly attemptId: string; readonly operatorId: string; readonly event: unknown }> = [];
  readonly partitions = new Map<string, ResultPartition<unknown>>();
  private readonly parked = new Map<string, ParkedConnect[]>();
  private readonly stateWaiters: Array<{ attemptId: string; state: ExecutionState; resolve: () => void }> = [];
  private operatorEventHook: (attemptId: string, operatorId: string, event: unknown) => Promise<unknown> = async () => undefined;
  /** Set by withCheckpointing: the tasks take part in checkpoints. */
  checkpointing?: TaskCheckpointing;
  readonly checkpointAcks: Array<{ readonly attemptId: string; readonly checkpointId: number; readonly state: TaskStateSnapshot; readonly metrics?: CheckpointTaskMetrics }> = [];
  readonly checkpointDeclines: Array<{ readonly attemptId: string; readonly checkpointId: number; readonly message: string; readonly countsAsFailure: boolean }> = [];
  /** How often a task said it finished its operators and waits for its final checkpoint. */
  endOfDataReports = 0;

  constructor(options: { readonly clock?: ManualClock; readonly network?: Partial<NetworkConfig>; readonly stateBackend?: StateBackend } = {}) {
    this.clock = options.clock ?? new ManualClock();
    this.network = defaultNetworkConfig(options.network);
    this.stateBackend = options.stateBackend;
  }

  get scheduler(): ManualClock {
    return this.clock;
  }

  /** The tasks checkpoint into `storage` (aligned barriers unless `aligned` is false); acks and declines are recorded. */
  withCheckpointing(storage: CheckpointStorageAccess, aligned = true): this {
    this.checkpointing = {
      storage,
      aligned,
      acknowledge: (attemptId, checkpointId, state, metrics) => this.checkpointAcks.push({ attemptId, checkpointId, state, metrics }),
      decline: (attemptId, checkpointId, cause, countsAsFailure) => this.checkpointDeclines.push({ attemptId, checkpointId, message: cause.message, countsAsFailure }),
    };
    return this;
  }

  /** Replaces the coordinator's answer to operator events. */
  withSendOperatorEvent(hook: (attemptId: string, operatorId: string, event: unknown) => Promise<unknown>): this {
    this.operatorEventHook = hook;
    return this;
  }

  notifyEndOfData(): void {
    this.endOfDataReports++;
  }

  /** The states `attemptId` reported, in order. */
  statesOf(attemptId: string): ExecutionState[] {
    return this.states.filter((u) => u.attemptId === attemptId).map((u) => u.state);
  }

  /** Resolves once `attemptId` reported `state` (at once if it already did). */
  whenState(attemptId: string, state: ExecutionState): Promise<void> {
    if (this.statesOf(attemptId).includes(state)) return Promise.resolve();
    return new Promise((resolve) => this.stateWaiters.push({ attemptId, state, resolve }));
  }

  // ---- TaskEnvironment ----

  stdout(line: string): void {
    this.stdoutLines.push(line);
  }

  stderr(line: string): void {
    this.stderrLines.push(line);
  }

  sendOperatorEvent(attemptId: string, operatorId: string, event: unknown): Promise<unknown> {
    this.operatorEvents.push({ attemptId, operatorId, event });
    return this.operatorEventHook(attemptId, operatorId, event);
  }

  reportState(update: TaskExecutionStateUpdate): void {
    this.states.push(update);
    for (let i = this.stateWaiters.length - 1; i >= 0; i--) {
      const w = this.stateWaiters[i];
      if (w.attemptId === update.attemptId && w.state === update.state) this.stateWaiters.splice(i, 1)[0].resolve();
    }
  }

  registerPartition(partitionKey: string, partition: ResultPartition<unknown>): void {
    this.partitions.set(partitionKey, partition);
    for (const p of this.parked.get(partitionKey) ?? []) {
      this.connect(partition, p.subpartition, p.gate, p.channel);
      p.resolve();
    }
    this.parked.delete(partitionKey);
  }

  connectInputChannel(partitionKey: string, subpartition: number, gate: InputGate, channel: number): Promise<void> {
    const partition = this.partitions.get(partitionKey);
    if (partition) {
      this.connect(partition, subpartition, gate, channel);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const list = this.parked.get(partitionKey) ?? [];
      list.push({ subpartition, gate, channel, resolve });
      this.parked.set(partitionKey, list);
    });
  }

  private connect(partition: ResultPartition<unknown>, subpartition: number, gate: InputGate, channel: number): void {
    const { producer, consumer } = createLocalChannel();
    gate.connectChannel(channel, consumer);
    partition.attachConsumer(subpartition, producer);
  }
}
