import type { Clock } from '@flott/core';
import type { Cancellable } from '../time/clock';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import type { InputGate, ResultPartition } from '../network';
import type { Logger } from '../logging/logger';
import { CheckpointAbortedError, CheckpointBarrierHandler, type BarrierArrival, type CheckpointBarrier } from './checkpoint-barrier-handler';
import { ChannelStateCollector, restoredChannelElements, type TaskChannel } from './channel-state-collector';
import type { ChainMember } from './operator-chain';
import type { TaskCheckpointing } from './task-environment';
import { SubtaskCheckpointer } from './subtask-checkpointer';
import { restoreTaskState } from './task-state-restore';
import { StateRestoreError } from '../checkpoint/state-assignment';
import type { StreamStateHandle } from '../snapshot/snapshot-data';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';

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
  /** Runs `fn` on the task after `delayMs` (aligned-checkpoint-timeout). */
  schedule(delayMs: number, fn: () => void): Cancellable;
  /**
   * A stop-with-savepoint's barrier (it has a postCheckpointAction) reached the task (triggered or
   * aligned): the task leaves its loop and takes it with `performStop` (after draining, for TERMINATE).
   */
  stopWithSavepoint(barrier: CheckpointBarrier): void;
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
  private gates: readonly InputGate[] = [];
  private channels: readonly TaskChannel[] = [];
  /** The unaligned checkpoint whose in-flight data is being recorded, and how its file is handed over. */
  private recording?: { collector: ChannelStateCollector; resolve: (file: Uint8Array | undefined) => void; reject: (e: Error) => void };

  /** The newest checkpoint the task took part in (its barrier went downstream and its state was taken); -1 before any. */
  lastTaken = -1;

  constructor(private readonly host: TaskCheckpointsHost) {}

  /** Restores the chain's state (when deployed with some) and sets up barrier handling over `gates`. */
  async initialize(members: readonly ChainMember[], gates: readonly InputGate[]): Promise<void> {
    const { tdd, checkpointing } = this.host;
    this.gates = gates;
    this.channels = gates.flatMap((gate, g) => Array.from({ length: gate.numChannels }, (_, channel) => ({ gate: g, channel })))
      .map((c, taskChannel) => ({ ...c, taskChannel }));
    if (tdd.restore) {
      if (!checkpointing) throw new Error(`Assertion failed: ${this.host.name} restores state without checkpoint storage`);
      await restoreTaskState(members, tdd.restore, checkpointing.storage, tdd.subtaskIndex, tdd.vertex.parallelism);
      if (tdd.restore.inputChannels) await this.restoreInFlightData(tdd.restore.inputChannels, checkpointing.storage);
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
        triggerCheckpoint: (barrier, unaligned) => this.perform(barrier, unaligned?.received),
        channelStateComplete: (id) => this.finishRecording(id),
        abortCheckpoint: (id, cause) => {
          this.dropRecording(id, cause);
          checkpointing.decline(tdd.attemptId, id, cause, false);
        },
        schedule: (delayMs, fn) => this.host.schedule(delayMs, fn),
        now: () => this.host.clock.currentTimeMillis(),
      });
    }
  }

  /** A barrier from input channel `channel` (numbered across the task's gates). */
  /** An aligned barrier (with a timeout) arrived behind data on `channel` (CheckpointBarrierHandler.processAnnouncement). */
  processAnnouncement(channel: number, barrier: CheckpointBarrier): void {
    this.barriers?.processAnnouncement(channel, barrier);
  }

  processBarrier(channel: number, barrier: CheckpointBarrier, arrival: BarrierArrival = 'in-band'): void {
    this.barriers?.processBarrier(channel, barrier, arrival);
  }

  processEndOfPartition(channel: number): void {
    this.barriers?.processEndOfPartition(channel);
  }

  /**
   * Takes checkpoint `barrier.checkpointId` now (a source's trigger, or every input aligned): the
   * barrier goes downstream first, then the state is taken, in the same turn (Flink's order). A task
   * that is not processing declines, which does not count as a failed checkpoint.
   *
   * Unaligned (a source's unaligned trigger, or `received` from the barrier handler): the barrier
   * overtakes the data in the outputs (which goes downstream, where it is recorded), and the data still
   * in flight on the inputs before their barriers is recorded; the acknowledgement waits for it.
   */
  perform(barrier: CheckpointBarrier, received?: ReadonlyMap<number, BarrierArrival>): void {
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
    if (barrier.postCheckpointAction) this.host.stopWithSavepoint(barrier);
    else this.take(barrier, received);
  }

  /** The task cannot take part in checkpoint `checkpointId` yet: declined, not counted as a failed checkpoint. */
  declineNotReady(checkpointId: number, reason: string): void {
    this.host.checkpointing?.decline(this.host.tdd.attemptId, checkpointId, new CheckpointAbortedError(checkpointId, reason), false);
  }

  /** The task took what comes before a stop-with-savepoint's barrier (see the host's stopWithSavepoint): the savepoint now. */
  performStop(barrier: CheckpointBarrier): void {
    this.take(barrier);
  }

  private take(barrier: CheckpointBarrier, received?: ReadonlyMap<number, BarrierArrival>): void {
    const { checkpointId } = barrier;
    const checkpointer = this.checkpointer!;
    const clock = this.host.clock;
    this.lastTaken = Math.max(this.lastTaken, checkpointId);
    const start = clock.currentTimeMillis();
    checkpointer.prepareSnapshotPreBarrier(checkpointId);
    const event = {
      kind: 'barrier' as const, checkpointId, timestamp: barrier.timestamp, location: barrier.location, alignedTimeoutMs: barrier.alignedTimeoutMs,
      ...(barrier.postCheckpointAction ? { postCheckpointAction: barrier.postCheckpointAction } : {}),
    };
    const unaligned = received !== undefined || (this.channels.length === 0 && barrier.alignedTimeoutMs === 0);
    const outputs = [...this.host.outputs()];
    for (const partition of outputs) {
      if (unaligned) partition.broadcastPriorityEvent(event);
      else partition.broadcastEvent(event);
    }
    if (!unaligned && barrier.alignedTimeoutMs > 0 && outputs.length > 0) {
      // Still queued behind back-pressured data when the timeout is up: it overtakes (the consumer goes unaligned).
      const delay = barrier.timestamp + barrier.alignedTimeoutMs - this.host.clock.currentTimeMillis();
      this.host.schedule(Math.max(0, delay), () => {
        for (const partition of outputs) partition.timeOutBarrier(checkpointId);
      });
    }
    const inFlightData = received ? this.startRecording(checkpointId, received) : undefined;
    const upload = checkpointer.checkpoint(barrier, inFlightData);
    const endedAt = clock.currentTimeMillis();
    this.syncParts.set(checkpointId, { endedAt, durationMs: endedAt - start });
    this.uploads.add(upload);
    void upload.finally(() => {
      this.syncParts.delete(checkpointId);
      this.uploads.delete(upload);
    });
  }

  /**
   * Records the input channels' in-flight data of an unaligned checkpoint: a channel whose barrier
   * arrived ahead of its data gives what is queued before it; one whose barrier came in order gives
   * nothing (it was all consumed); the others give what they hold and what arrives until their barrier.
   */
  private startRecording(checkpointId: number, received: ReadonlyMap<number, BarrierArrival>): Promise<Uint8Array | undefined> {
    this.dropRecording(undefined, new CheckpointAbortedError(this.recording?.collector.checkpointId ?? checkpointId, `checkpoint ${checkpointId} started`));
    const collector = new ChannelStateCollector(checkpointId, (channel, barrier) => this.barriers?.processBarrier(channel, barrier, 'in-band'));
    const file = new Promise<Uint8Array | undefined>((resolve, reject) => {
      this.recording = { collector, resolve, reject };
    });
    file.catch(() => undefined);
    // Channels whose barrier arrived first: recording those that wait for theirs may complete the checkpoint.
    const arrivals = this.channels.map((c) => received.get(c.taskChannel));
    this.channels.forEach((c, i) => {
      if (arrivals[i] === 'priority') this.gates[c.gate].startRecording(c.channel, collector.recorderFor(c), true);
    });
    this.channels.forEach((c, i) => {
      if (arrivals[i] === undefined && this.recording?.collector === collector) this.gates[c.gate].startRecording(c.channel, collector.recorderFor(c), false);
    });
    return file;
  }

  private finishRecording(checkpointId: number): void {
    const recording = this.recording;
    if (recording?.collector.checkpointId !== checkpointId) return;
    this.recording = undefined;
    this.stopRecorders();
    try {
      recording.resolve(recording.collector.finish());
    } catch (e) {
      recording.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Stops recording (checkpoint `checkpointId`, or any when undefined); its acknowledgement is dropped. */
  private dropRecording(checkpointId: number | undefined, cause: Error): void {
    const recording = this.recording;
    if (!recording || (checkpointId !== undefined && recording.collector.checkpointId !== checkpointId)) return;
    this.recording = undefined;
    this.stopRecorders();
    recording.reject(cause instanceof CheckpointAbortedError ? cause : new CheckpointAbortedError(recording.collector.checkpointId, cause.message));
  }

  private stopRecorders(): void {
    for (const c of this.channels) this.gates[c.gate].stopRecording(c.channel);
  }

  /** In-flight data an unaligned checkpoint stored: each channel consumes it before anything it receives. */
  private async restoreInFlightData(handle: StreamStateHandle, storage: CheckpointStorageAccess): Promise<void> {
    const file = handle.kind === 'file' ? handle.uri : `the in-flight data of ${this.host.name}`;
    for (const { gate, channel, elements } of restoredChannelElements(await storage.readState(handle), file)) {
      const target = this.gates[gate];
      if (!target || channel >= target.numChannels) {
        throw new StateRestoreError(`Failed to restore the in-flight data of ${this.host.name} from ${file}: it names input gate ${gate} channel ${channel}, which the task does not have`, { file });
      }
      target.restoreChannelState(channel, elements);
    }
  }

  /**
   * The task fails or is canceled: uploads still running are not acknowledged (see SubtaskCheckpointer.abandon).
   * An unaligned checkpoint still recording in-flight data is dropped: the barriers it waits for can no
   * longer arrive (the inputs are released), so its upload would never settle and the task never end.
   */
  abandonUploads(): void {
    const recording = this.recording;
    if (recording) this.dropRecording(undefined, new CheckpointAbortedError(recording.collector.checkpointId, `${this.host.name} failed or was canceled`));
    this.checkpointer?.abandon();
  }

  /** Resolves when no upload is in flight (before the task reports a terminal state). */
  async uploadsSettled(): Promise<void> {
    await Promise.all([...this.uploads]);
  }

  /**
   * The checkpoint completed or was aborted: the operators are told (an aborted alignment is dropped).
   * Resolves when what they started on it (a committer's commits) settled; what failed fails the task.
   */
  notify(members: readonly ChainMember[], checkpointId: number, completed: boolean): Promise<void> {
    const started: Promise<unknown>[] = [];
    if (!completed) {
      this.barriers?.abortPending(checkpointId);
      this.dropRecording(checkpointId, new CheckpointAbortedError(checkpointId, 'the JobManager aborted it'));
    }
    this.checkpointer?.notify(checkpointId, completed);
    for (const m of members) {
      if (completed) m.keyedBackend?.notifyCheckpointComplete?.(checkpointId);
      else m.keyedBackend?.notifyCheckpointAborted?.(checkpointId);
      const op = m.operator;
      const result = completed ? op.notifyCheckpointComplete?.(checkpointId) : op.notifyCheckpointAborted?.(checkpointId);
      if (result instanceof Promise) started.push(result.catch((e: unknown) => this.host.failAsync(e)));
    }
    return Promise.all(started).then(() => undefined);
  }
}
