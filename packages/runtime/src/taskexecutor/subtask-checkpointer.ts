import type { OperatorSubtaskState, StreamStateHandle, TaskStateSnapshot } from '../snapshot/snapshot-data';
import { encodeOperatorStateFile } from '../checkpoint/format';
import { prepareKeyedSnapshot, type KeyedSnapshotInProgress } from '../checkpoint/keyed-snapshot';
import type { Logger } from '../logging/logger';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import { CheckpointAbortedError, type CheckpointBarrier } from './checkpoint-barrier-handler';
import { operatorStateOf } from '../checkpoint/operator-state-files';
import type { ChainMember } from './operator-chain';
import { IncrementalKeyedChains, isSavepointPointer, type KeyedChainBase } from './incremental-keyed-chains';

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
  /** `execution.checkpointing.incremental` (keyed state only, where the backend tracks changes). */
  readonly incremental?: { readonly maxChainLength: number };
}

interface PendingFile {
  readonly operatorId: string;
  readonly kind: 'keyed' | 'operator' | 'channels';
  readonly name: string;
  /** Operator state, serialised in the synchronous part; keyed state, written from its snapshot's version. */
  readonly data: Uint8Array | KeyedSnapshotInProgress;
  /** Incremental checkpoints: the file is SHARED state; `base` is what a change file builds on. */
  readonly shared?: { readonly base: KeyedChainBase | undefined };
}

/**
 * The task's part of a checkpoint (Flink's SubtaskCheckpointCoordinator). The synchronous part runs
 * in the mailbox turn that holds the barrier: each operator's `snapshotState`, then each keyed
 * backend marks a version of its state (`KeyedStateBackend.snapshot`: copy-on-write on the heap, a
 * read transaction in LMDB) and the timers are copied, and operator state (small) is serialised. The
 * asynchronous part streams each keyed state file from its version to the checkpoint storage, one key
 * group per event-loop turn while records keep flowing, writes the operator state files, releases the
 * versions and acknowledges with the handles; a failure there declines the checkpoint, it does not
 * fail the task.
 */
export class SubtaskCheckpointer {
  private readonly chains?: IncrementalKeyedChains;
  /** Checkpoints whose asynchronous part runs; those among them the coordinator aborted meanwhile. */
  private readonly inFlight = new Set<number>();
  private readonly abortedInFlight = new Set<number>();
  /** The task failed or was canceled: uploads that finish now are not acknowledged. */
  private abandoned = false;

  constructor(
    private readonly members: readonly ChainMember[],
    private readonly ctx: SubtaskCheckpointerContext,
  ) {
    if (ctx.incremental) this.chains = new IncrementalKeyedChains(ctx.incremental.maxChainLength);
  }

  /** CheckpointListener for the keyed side: completed checkpoints become bases of incremental ones. */
  notify(checkpointId: number, completed: boolean): void {
    if (completed) this.chains?.notifyComplete(checkpointId);
    else this.chains?.notifyAborted(checkpointId);
    if (!completed && this.inFlight.has(checkpointId)) this.abortedInFlight.add(checkpointId);
  }

  /**
   * The task fails or is canceled: checkpoints still uploading are not acknowledged, and the SHARED
   * files they wrote are deleted by the task (Flink's AsyncCheckpointRunnable clean-up), since no
   * checkpoint will ever hold them; EXCLUSIVE ones go with their checkpoint's location.
   */
  abandon(): void {
    this.abandoned = true;
  }

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
    const suffix = `${this.ctx.subtaskIndex}-${this.ctx.attemptNumber}`;
    const chains = isSavepointPointer(barrier.location) ? undefined : this.chains;
    try {
      for (const m of this.members) m.operator.snapshotState?.(context);
      for (const m of this.members) {
        const operatorState = operatorStateOf(m);
        if (operatorState) files.push({ operatorId: m.operatorId, kind: 'operator', name: `${m.operatorId}-${suffix}-operator`, data: encodeOperatorStateFile(operatorState) });
        const base = chains?.baseFor(m.operatorId);
        const keyed = prepareKeyedSnapshot(m, barrier.checkpointId, this.ctx.maxParallelism, base?.checkpointId);
        if (!keyed) continue;
        // SHARED files outlive their checkpoint's directory, so their names carry the checkpoint id.
        const name = chains ? `${m.operatorId}-${suffix}-chk-${barrier.checkpointId}-keyed${keyed.incremental ? '-changes' : ''}` : `${m.operatorId}-${suffix}-keyed`;
        files.push({ operatorId: m.operatorId, kind: 'keyed', name, data: keyed, shared: chains && { base: keyed.incremental ? base : undefined } });
      }
    } catch (e) {
      releaseAll(files);
      throw e;
    }
    return this.persist(barrier, files, inFlightData);
  }

  private async persist(barrier: CheckpointBarrier, files: PendingFile[], inFlightData: Promise<Uint8Array | undefined> | undefined): Promise<void> {
    const { storage } = this.ctx;
    const { checkpointId } = barrier;
    const location = { checkpointId, pointer: barrier.location };
    this.inFlight.add(checkpointId);
    let channels: Uint8Array | undefined;
    try {
      channels = await inFlightData;
    } catch (e) {
      releaseAll(files);
      this.inFlight.delete(checkpointId);
      this.abortedInFlight.delete(checkpointId);
      // An unaligned checkpoint aborted before its in-flight data was complete: already declined or dropped.
      if (e instanceof CheckpointAbortedError) return;
      this.ctx.log.warn({ err: e, checkpointId }, `Recording the in-flight data of checkpoint ${checkpointId} failed; declining it.`);
      this.ctx.decline(checkpointId, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const head = this.members[0]?.operatorId;
    if (channels && head !== undefined) {
      files.push({ operatorId: head, kind: 'channels', name: `${head}-${this.ctx.subtaskIndex}-${this.ctx.attemptNumber}-channels`, data: channels });
    }
    // All settle before the outcome is decided: no upload still reads a version released below.
    const results = await Promise.allSettled(
      files.map((f) => storage.writeState(location, f.name, f.data instanceof Uint8Array ? f.data : f.data.chunks(), { scope: f.shared ? 'SHARED' : 'EXCLUSIVE' })),
    );
    releaseAll(files);
    this.inFlight.delete(checkpointId);
    const aborted = this.abortedInFlight.delete(checkpointId) || this.abandoned;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed || aborted) {
      await this.discardShared(files, results);
      if (!failed) return;
      const e: unknown = failed.reason;
      this.ctx.log.warn({ err: e, checkpointId }, `Writing the state of checkpoint ${checkpointId} failed; declining it.`);
      this.ctx.decline(checkpointId, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const state: Record<string, OperatorSubtaskState> = {};
    files.forEach((f, i) => {
      const handle = (results[i] as PromiseFulfilledResult<StreamStateHandle>).value;
      const prev = state[f.operatorId] ?? {};
      if (f.data instanceof Uint8Array) {
        state[f.operatorId] = f.kind === 'channels' ? { ...prev, inputChannels: handle } : { ...prev, operator: handle };
        return;
      }
      const keyed = f.shared && this.chains ? this.chains.handleOf(f.data.keyGroupRange, handle, f.shared.base) : { keyGroupRange: f.data.keyGroupRange, handle };
      if (f.shared) this.chains?.recordAcknowledged(checkpointId, f.operatorId, keyed);
      state[f.operatorId] = { ...prev, keyed };
    });
    this.ctx.acknowledge(checkpointId, state);
  }

  /** Deletes the SHARED files a checkpoint that will not complete wrote (its EXCLUSIVE ones go with its location). */
  private async discardShared(files: readonly PendingFile[], results: ReadonlyArray<PromiseSettledResult<StreamStateHandle>>): Promise<void> {
    await Promise.all(files.map(async (f, i) => {
      const r = results[i];
      if (!f.shared || r.status !== 'fulfilled') return;
      await this.ctx.storage.discardState(r.value).catch((e: unknown) => this.ctx.log.warn({ err: e }, `Could not delete the shared state file ${f.name}.`));
    }));
  }
}

function releaseAll(files: readonly PendingFile[]): void {
  for (const f of files) if (!(f.data instanceof Uint8Array)) f.data.release();
}
