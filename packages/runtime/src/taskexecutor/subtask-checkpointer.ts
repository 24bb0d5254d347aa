import type {
  KeyGroupRange,
  KeyGroupSnapshot,
  KeyedStateEntry,
  KeyedStateSnapshot,
  OperatorStateSnapshotData,
  OperatorSubtaskState,
  StreamStateHandle,
  TaskStateSnapshot,
  TimerEntry,
} from '../snapshot/snapshot-data';
import { encodeKeyedStateFile, encodeOperatorStateFile } from '../checkpoint/format';
import type { Logger } from '../logging/logger';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import { CheckpointAbortedError, type CheckpointBarrier } from './checkpoint-barrier-handler';
import { encodeOperatorStateFiles } from '../checkpoint/operator-state-files';
import type { ChainMember } from './operator-chain';

/** What the checkpointer needs from its task. */
export interface SubtaskCheckpointerContext {
  /** `<operatorId>-<subtask>-<attempt>` names the task's files in a checkpoint's location. */
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  readonly maxParallelism: number;
  /** The job's checkpoint storage as this slot reaches it. */
  readonly storage: CheckpointStorageAccess;
  acknowledge(checkpointId: number, state: TaskStateSnapshot): void;
  decline(checkpointId: number, cause: Error): void;
  readonly log: Logger;
}

interface PendingFile {
  readonly operatorId: string;
  readonly kind: 'keyed' | 'operator' | 'channels';
  readonly name: string;
  readonly data: Uint8Array;
  readonly keyGroupRange?: KeyedStateSnapshot['keyGroupRange'];
}

/**
 * The task's part of a checkpoint (Flink's SubtaskCheckpointCoordinator). The synchronous part runs
 * in the mailbox turn that holds the barrier: each operator's `snapshotState`, then its keyed state,
 * timers and operator state are serialised into their files (serialising here, not later, is what
 * makes the snapshot consistent: the heap backend's values are live objects the next record may
 * change). The asynchronous part writes the files to the checkpoint storage and acknowledges with
 * their handles; a failure there declines the checkpoint, it does not fail the task.
 */
export class SubtaskCheckpointer {
  constructor(
    private readonly members: readonly ChainMember[],
    private readonly ctx: SubtaskCheckpointerContext,
  ) {}

  /** Before the barrier goes downstream: operators emit what belongs to this checkpoint (head first, so it reaches the tail). */
  prepareSnapshotPreBarrier(checkpointId: number): void {
    for (const m of this.members) m.operator.prepareSnapshotPreBarrier?.(checkpointId);
  }

  /**
   * Synchronous part; the returned promise is the asynchronous part (it never rejects). `inFlightData`
   * (unaligned checkpoints): the task's channel state file once every channel delivered the barrier;
   * it rejects when the checkpoint is aborted first. It goes with the head operator's state.
   */
  checkpoint(barrier: CheckpointBarrier, inFlightData?: Promise<Uint8Array | undefined>): Promise<void> {
    const files: PendingFile[] = [];
    const context = { checkpointId: barrier.checkpointId, checkpointTimestamp: barrier.timestamp };
    for (const m of this.members) m.operator.snapshotState?.(context);
    const suffix = `${this.ctx.subtaskIndex}-${this.ctx.attemptNumber}`;
    for (const m of this.members) {
      const { keyed, operator } = encodeOperatorStateFiles(m, this.ctx.maxParallelism);
      if (keyed) files.push({ operatorId: m.operatorId, kind: 'keyed', name: `${m.operatorId}-${suffix}-keyed`, data: keyed.data, keyGroupRange: keyed.keyGroupRange });
      if (operator) files.push({ operatorId: m.operatorId, kind: 'operator', name: `${m.operatorId}-${suffix}-operator`, data: operator });
    }
    return this.persist(barrier, files, inFlightData);
  }

  private async persist(barrier: CheckpointBarrier, files: PendingFile[], inFlightData: Promise<Uint8Array | undefined> | undefined): Promise<void> {
    const { storage } = this.ctx;
    const { checkpointId } = barrier;
    const location = { checkpointId, pointer: barrier.location };
    let handles: StreamStateHandle[];
    try {
      const channels = await inFlightData;
      const head = this.members[0]?.operatorId;
      if (channels && head !== undefined) {
        files.push({ operatorId: head, kind: 'channels', name: `${head}-${this.ctx.subtaskIndex}-${this.ctx.attemptNumber}-channels`, data: channels });
      }
      handles = await Promise.all(files.map((f) => storage.writeState(location, f.name, f.data)));
    } catch (e) {
      // An unaligned checkpoint aborted before its in-flight data was complete: already declined or dropped.
      if (e instanceof CheckpointAbortedError) return;
      this.ctx.log.warn({ err: e, checkpointId }, `Writing the state of checkpoint ${checkpointId} failed; declining it.`);
      this.ctx.decline(checkpointId, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const state: Record<string, OperatorSubtaskState> = {};
    files.forEach((f, i) => {
      const prev = state[f.operatorId] ?? {};
      if (f.kind === 'keyed') state[f.operatorId] = { ...prev, keyed: { keyGroupRange: f.keyGroupRange!, handle: handles[i] } };
      else if (f.kind === 'operator') state[f.operatorId] = { ...prev, operator: handles[i] };
      else state[f.operatorId] = { ...prev, inputChannels: handles[i] };
    });
    this.ctx.acknowledge(checkpointId, state);
  }
}

