import type { JobVertexDescriptor } from '../../deployment/job-graph';
import { taskRestoreFor } from '../../checkpoint/state-assignment';
import type { CheckpointMetadata, OperatorSubtaskState, StreamStateHandle } from '../../snapshot/snapshot-data';
import { encodeOperatorStateFiles, type SnapshotSource } from '../../checkpoint/operator-state-files';
import { restoreOperatorState, type RestoreTarget } from '../../checkpoint/operator-state-restore';

/**
 * One operator subtask's state as an operator test harness snapshotted it (Flink's
 * OperatorSubtaskState from AbstractStreamOperatorTestHarness.snapshot): the files a task would have
 * acknowledged for the checkpoint, encoded with the checkpoint codecs and carried inline.
 */
export interface OperatorSnapshot {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly operatorId: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly state: OperatorSubtaskState;
}

/** Where the snapshotted subtask ran. */
export interface SnapshotSubtask {
  readonly operatorId: string;
  readonly operatorName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
}

/** Serialises the operator's stores as a checkpoint does (the operator's snapshotState hook must have run). */
export function takeOperatorSnapshot(source: SnapshotSource, subtask: SnapshotSubtask, checkpointId: number, timestamp: number): OperatorSnapshot {
  const { keyed, operator } = encodeOperatorStateFiles(source, subtask.maxParallelism);
  const inline = (data: Uint8Array): StreamStateHandle => ({ kind: 'inline', data });
  const state: OperatorSubtaskState = {
    ...(keyed && { keyed: { keyGroupRange: keyed.keyGroupRange, handle: inline(keyed.data) } }),
    ...(operator && { operator: inline(operator) }),
  };
  const { operatorId, subtaskIndex, parallelism, maxParallelism } = subtask;
  return { checkpointId, timestamp, operatorId, subtaskIndex, parallelism, maxParallelism, state };
}

/** Reads the inline files of harness snapshots (the jobmanager storage's handles look the same). */
const INLINE_FILES = {
  readState(handle: StreamStateHandle): Promise<Uint8Array> {
    if (handle.kind !== 'inline') return Promise.reject(new Error(`Assertion failed: a harness snapshot holds inline state only, got ${handle.uri}`));
    return Promise.resolve(handle.data);
  },
};

/**
 * Restores `target`, running as `subtask`, from snapshots of the subtasks of one earlier run (all of
 * them, or those whose key groups it needs): the snapshots become a checkpoint's metadata, the
 * JobMaster's state assignment picks the subtask's files, and the task's restore reads them. So keyed
 * state is filtered by the new key-group range and operator state redistributed exactly as on a real
 * restore at that parallelism. Returns the checkpoint id restored from.
 */
export async function restoreFromSnapshots(target: RestoreTarget, subtask: SnapshotSubtask, from: OperatorSnapshot | readonly OperatorSnapshot[]): Promise<number> {
  const snapshots = Array.isArray(from) ? (from as readonly OperatorSnapshot[]) : [from as OperatorSnapshot];
  const first = snapshots[0];
  if (!first) throw new Error('Assertion failed: restore from no snapshot');
  const subtasks: OperatorSubtaskState[] = Array.from({ length: first.parallelism }, () => ({}));
  for (const s of snapshots) {
    if (s.checkpointId !== first.checkpointId || s.parallelism !== first.parallelism || s.maxParallelism !== first.maxParallelism) {
      throw new Error(
        `Snapshots to restore together must be of one checkpoint and parallelism: checkpoint ${s.checkpointId} at ${s.subtaskIndex}/${s.parallelism} ` +
          `(max parallelism ${s.maxParallelism}) against checkpoint ${first.checkpointId} at ${first.subtaskIndex}/${first.parallelism} (max parallelism ${first.maxParallelism})`,
      );
    }
    if (Object.keys(subtasks[s.subtaskIndex]).length > 0) throw new Error(`Two snapshots of subtask ${s.subtaskIndex} to restore from`);
    subtasks[s.subtaskIndex] = s.state;
  }
  if (first.maxParallelism !== subtask.maxParallelism && snapshots.some((s) => s.state.keyed)) {
    throw new Error(`Keyed state of max parallelism ${first.maxParallelism} cannot be restored at max parallelism ${subtask.maxParallelism}`);
  }
  const metadata: CheckpointMetadata = {
    checkpointId: first.checkpointId,
    jobId: 'testing-job',
    type: 'CHECKPOINT',
    timestamp: first.timestamp,
    operators: [{ operatorId: subtask.operatorId, name: subtask.operatorName, parallelism: first.parallelism, maxParallelism: first.maxParallelism, subtasks }],
  };
  const restore = taskRestoreFor(metadata, harnessVertex(subtask), subtask.subtaskIndex);
  const r = restore?.operators[subtask.operatorId];
  if (r) await restoreOperatorState(target, r, INLINE_FILES, subtask.subtaskIndex, subtask.parallelism);
  return first.checkpointId;
}

/** The one-operator job vertex a harness stands for, as the state assignment sees it. */
function harnessVertex(subtask: SnapshotSubtask): JobVertexDescriptor {
  return {
    id: 'harness',
    name: subtask.operatorName,
    parallelism: subtask.parallelism,
    maxParallelism: subtask.maxParallelism,
    slotSharingGroup: 'default',
    isInputVertex: false,
    operators: [{ operatorId: subtask.operatorId, streamNodeId: 0, name: subtask.operatorName, kind: 'operator' }],
    inputs: [],
    producedDataSets: [],
    bufferTimeoutMs: 0,
  };
}
