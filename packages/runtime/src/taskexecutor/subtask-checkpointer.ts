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
import type { CheckpointBarrier } from './checkpoint-barrier-handler';
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
  readonly kind: 'keyed' | 'operator';
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

  /** Synchronous part; the returned promise is the asynchronous part (it never rejects). */
  checkpoint(barrier: CheckpointBarrier): Promise<void> {
    const files: PendingFile[] = [];
    const context = { checkpointId: barrier.checkpointId, checkpointTimestamp: barrier.timestamp };
    for (const m of this.members) m.operator.snapshotState?.(context);
    const suffix = `${this.ctx.subtaskIndex}-${this.ctx.attemptNumber}`;
    for (const m of this.members) {
      const { keyed, operator } = encodeOperatorStateFiles(m, this.ctx.maxParallelism);
      if (keyed) files.push({ operatorId: m.operatorId, kind: 'keyed', name: `${m.operatorId}-${suffix}-keyed`, data: keyed.data, keyGroupRange: keyed.keyGroupRange });
      if (operator) files.push({ operatorId: m.operatorId, kind: 'operator', name: `${m.operatorId}-${suffix}-operator`, data: operator });
    }
    return this.persist(barrier, files);
  }

  private async persist(barrier: CheckpointBarrier, files: readonly PendingFile[]): Promise<void> {
    const { storage } = this.ctx;
    const { checkpointId } = barrier;
    const location = { checkpointId, pointer: barrier.location };
    let handles: StreamStateHandle[];
    try {
      handles = await Promise.all(files.map((f) => storage.writeState(location, f.name, f.data)));
    } catch (e) {
      this.ctx.log.warn({ err: e, checkpointId }, `Writing the state of checkpoint ${checkpointId} failed; declining it.`);
      this.ctx.decline(checkpointId, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const state: Record<string, OperatorSubtaskState> = {};
    files.forEach((f, i) => {
      const prev = state[f.operatorId] ?? {};
      state[f.operatorId] = f.kind === 'keyed' ? { ...prev, keyed: { keyGroupRange: f.keyGroupRange!, handle: handles[i] } } : { ...prev, operator: handles[i] };
    });
    this.ctx.acknowledge(checkpointId, state);
  }
}

/** The stores of one operator that a snapshot reads (a ChainMember, or an operator test harness). */
export type SnapshotSource = Pick<ChainMember, 'keyedBackend' | 'timeServiceManager' | 'operatorStateStore'>;

/** One operator's state files, encoded: keyed state with timers (keyed operators), operator state (when it has some). */
export interface EncodedOperatorState {
  readonly keyed?: { readonly keyGroupRange: KeyGroupRange; readonly data: Uint8Array };
  readonly operator?: Uint8Array;
}

/**
 * Serialises one operator's keyed state, timers and operator state into its checkpoint files (after
 * its `snapshotState` ran). The task's checkpoints and the operator test harness's `snapshot()` both
 * take this path, so a harness snapshot goes through the same codecs as a checkpoint.
 */
export function encodeOperatorStateFiles(m: SnapshotSource, maxParallelism: number): EncodedOperatorState {
  const keyed = keyedSnapshotOf(m, maxParallelism);
  const operatorState = operatorSnapshotOf(m);
  return {
    keyed: keyed && { keyGroupRange: keyed.keyGroupRange, data: encodeKeyedStateFile(keyed) },
    operator: operatorState && encodeOperatorStateFile(operatorState),
  };
}

/** A keyed operator's state and timers by key group; undefined for a non-keyed operator. */
function keyedSnapshotOf(m: SnapshotSource, maxParallelism: number): KeyedStateSnapshot | undefined {
  const backend = m.keyedBackend;
  if (!backend) return undefined;
  const timers = m.timeServiceManager?.timersByKeyGroup() ?? new Map();
  const groups = [...new Set([...backend.nonEmptyKeyGroups(), ...timers.keys()])].sort((a, b) => a - b);
  const snapshots: KeyGroupSnapshot[] = groups.map((keyGroup) => {
    const byState = new Map<string, KeyedStateEntry[]>();
    for (const e of backend.entriesOfKeyGroup(keyGroup)) {
      let list = byState.get(e.stateName);
      if (!list) byState.set(e.stateName, (list = []));
      list.push({ key: e.key, namespace: e.namespace, value: e.value });
    }
    const byService = new Map<string, { eventTime: TimerEntry[]; processingTime: TimerEntry[] }>();
    for (const { service, domain, timer } of timers.get(keyGroup) ?? []) {
      let t = byService.get(service);
      if (!t) byService.set(service, (t = { eventTime: [], processingTime: [] }));
      (domain === 'event' ? t.eventTime : t.processingTime).push(timer);
    }
    return {
      keyGroup,
      states: [...byState].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, entries]) => ({ name, entries })),
      timers: [...byService].sort(([a], [b]) => (a < b ? -1 : 1)).map(([service, t]) => ({ service, ...t })),
    };
  });
  return { keyGroupRange: backend.keyGroupRange, maxParallelism, groups: snapshots };
}

/** The operator's list, union and broadcast states; undefined when it has none. */
function operatorSnapshotOf(m: SnapshotSource): OperatorStateSnapshotData | undefined {
  const states = m.operatorStateStore.snapshotState();
  return states.length > 0 ? { states } : undefined;
}
