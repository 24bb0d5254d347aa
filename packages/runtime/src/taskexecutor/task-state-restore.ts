import type { StateDescriptor } from '@flott/core';
import { decodeKeyedStateFile, decodeOperatorStateFile } from '../checkpoint/format';
import type { OperatorStateSnapshotData, StreamStateHandle } from '../snapshot/snapshot-data';
import type { OperatorRestore, TaskRestore } from '../deployment/task-deployment-descriptor';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { OperatorStateSnapshot } from '../state/operator-state-store';
import { restoreOperatorState } from '../checkpoint/operator-state-restore';
import type { ChainMember } from './operator-chain';

/**
 * Puts a task's share of a checkpoint into its operators' stores before they initialise (Flink's
 * StreamTaskStateInitializer): keyed state and timers of the key groups in each keyed operator's
 * range (read from the old subtasks' files that overlap it), and the operator's share of the old
 * subtasks' operator state. Files are read from the job's checkpoint storage; a missing or corrupt
 * one fails the task with the storage's error, which names the file.
 */
export async function restoreTaskState(
  members: readonly ChainMember[],
  restore: TaskRestore,
  storage: CheckpointStorageAccess,
  subtaskIndex: number,
  parallelism: number,
): Promise<void> {
  for (const m of members) {
    const r = restore.operators[m.operatorId];
    if (r) await restoreOperatorState({ name: m.node.name, ...m }, r, storage, subtaskIndex, parallelism);
  }
}

