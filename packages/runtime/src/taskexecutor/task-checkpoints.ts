import type { Clock } from '@flott/core';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import type { InputGate, ResultPartition } from '../network';
import type { Logger } from '../logging/logger';
import { CheckpointAbortedError, CheckpointBarrierHandler, type CheckpointBarrier } from './checkpoint-barrier-handler';
import type { ChainMember } from './operator-chain';
import type { TaskCheckpointing } from './stream-task';
import { SubtaskCheckpointer } from './subtask-checkpointer';
import { restoreTaskState } from './task-state-restore';

/** What a task's checkpoint side needs from the task. */
export interface TaskCheckpointsHost {
  readonly tdd: TaskDeploymentDescriptor;
  readonly name: string;
  readonly log: Logger;
  readonly clock: Clock;
  /** Present when the task may take part in checkpoints or restores. */
  readonly checkpointing?: TaskCheckpointing;
  /** Whether the task processes input now (only then it takes part). */
  isProcessing(): boolean;
  /** The task's output partitions, which the barrier goes into. */
  outputs(): Iterable<ResultPartition<unknown>>;
  /** An operator's notification that failed asynchronously fails the task. */
  failAsync(error: unknown): void;
}

/**
 * A task's part in checkpoints (the rest of Flink's SubtaskCheckpointCoordinator and its barrier
 * handler, on the task's side): restores the chain's state before it opens, aligns barriers of its
 * input channels, sends the barrier downstream and snapshots the chain (SubtaskCheckpointer), and
 * passes completion and abortion on to the operators. Mailbox thread only; the task calls it from
 * its loop.
 */
export class TaskCheckpoints {
  private checkpointer?: SubtaskCheckpointer;
  private barriers?: CheckpointBarrierHandler;
  /** When each checkpoint in flight finished its synchronous part (the clock's ms) and how long that took. */
  private readonly syncParts = new Map<number, { endedAt: number; durationMs: number }>();
  /** Asynchronous parts (uploads) in flight; each settles (never rejects) within the storage's bounds. */
  private readonly uploads = new Set<Promise<void>>();

  constructor(private readonly host: TaskCheckpointsHost) {}

  /** Restores the chain's state (when deployed with some) and sets up barrier handling over `gates`. */
  async initialize(members: readonly ChainMember[], gates: readonly InputGate[]): Promise<void> {
    const { tdd, checkpointing } = this.host;
    if (tdd.restore) {
      if (!checkpointing) throw new Error(`Assertion failed: ${this.host.name} restores state without checkpoint storage`);
      await restoreTaskState(members, tdd.restore, checkpointing.storage, tdd.subtaskIndex, tdd.vertex.parallelism);
    }
    if (!checkpointing) return;
    this.checkpointer = new SubtaskCheckpointer(members, {
      subtaskIndex: tdd.subtaskIndex,
      attemptNumber: tdd.attemptNumber,
      maxParallelism: tdd.vertex.maxParallelism,
      storage: checkpointing.storage,
      acknowledge: (id, state) => {
        const sync = this.syncParts.get(id);
        const metrics = sync && { syncDurationMs: sync.durationMs, asyncDurationMs: this.host.clock.currentTimeMillis() - sync.endedAt };
        checkpointing.acknowledge(tdd.attemptId, id, state, metrics);
      },
      decline: (id, cause) => checkpointing.decline(tdd.attemptId, id, cause, true),
      log: this.host.log,
      incremental: checkpointing.incremental,
    });
    const channels = gates.flatMap((gate) => Array.from({ length: gate.numChannels }, (_, channel) => ({ input: gate, channel })));
    if (channels.length > 0) {
      this.barriers = new CheckpointBarrierHandler(channels, checkpointing.aligned, {
        triggerCheckpoint: (barrier) => this.perform(barrier),
        abortCheckpoint: (id, cause) => checkpointing.decline(tdd.attemptId, id, cause, false),
      });
    }
  }

  /** A barrier from input channel `channel` (numbered across the task's gates). */
  processBarrier(channel: number, barrier: CheckpointBarrier): void {
    this.barriers?.processBarrier(channel, barrier);
  }

  processEndOfPartition(channel: number): void {
    this.barriers?.processEndOfPartition(channel);
  }

  /**
   * Takes checkpoint `barrier.checkpointId` now (a source's trigger, or every input aligned): the
   * barrier goes downstream first, then the state is taken, in the same turn (Flink's order). A task
   * that is not processing declines, which does not count as a failed checkpoint.
   */
  perform(barrier: CheckpointBarrier): void {
    const { checkpointing, tdd, name } = this.host;
    const { checkpointId } = barrier;
    if (!checkpointing) {
      this.host.log.warn({ checkpointId }, `${name} got checkpoint ${checkpointId} but its job does not checkpoint; ignored.`);
      return;
    }
    if (!this.host.isProcessing() || !this.checkpointer) {
      checkpointing.decline(tdd.attemptId, checkpointId, new CheckpointAbortedError(checkpointId, `${name} is not processing`), false);
      return;
    }
    const clock = this.host.clock;
    const start = clock.currentTimeMillis();
    const event = { kind: 'barrier' as const, checkpointId, timestamp: barrier.timestamp, location: barrier.location };
    for (const partition of this.host.outputs()) partition.broadcastEvent(event);
    const upload = this.checkpointer.checkpoint(barrier);
    const endedAt = clock.currentTimeMillis();
    this.syncParts.set(checkpointId, { endedAt, durationMs: endedAt - start });
    this.uploads.add(upload);
    void upload.finally(() => {
      this.syncParts.delete(checkpointId);
      this.uploads.delete(upload);
    });
  }

  /** The task fails or is canceled: uploads still running are not acknowledged (see SubtaskCheckpointer.abandon). */
  abandonUploads(): void {
    this.checkpointer?.abandon();
  }

  /** Resolves when no upload is in flight (before the task reports a terminal state). */
  async uploadsSettled(): Promise<void> {
    await Promise.all([...this.uploads]);
  }

  /** The checkpoint completed or was aborted: the operators are told (an aborted alignment is dropped). */
  notify(members: readonly ChainMember[], checkpointId: number, completed: boolean): void {
    if (!completed) this.barriers?.abortPending(checkpointId);
    this.checkpointer?.notify(checkpointId, completed);
    for (const m of members) {
      if (completed) m.keyedBackend?.notifyCheckpointComplete?.(checkpointId);
      else m.keyedBackend?.notifyCheckpointAborted?.(checkpointId);
      const op = m.operator;
      const result = completed ? op.notifyCheckpointComplete?.(checkpointId) : op.notifyCheckpointAborted?.(checkpointId);
      if (result instanceof Promise) result.catch((e: unknown) => this.host.failAsync(e));
    }
  }
}
