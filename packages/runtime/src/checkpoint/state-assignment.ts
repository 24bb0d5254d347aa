import { FlottError } from '@flott/core';
import type { JobGraph, JobVertexDescriptor } from '../deployment/job-graph';
import type { OperatorRestore, TaskRestore } from '../deployment/task-deployment-descriptor';
import { computeKeyGroupRangeForOperatorIndex } from '../network';
import type { CheckpointMetadata, OperatorStateMetadata } from '../snapshot/snapshot-data';

export class StateRestoreError extends FlottError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('STATE_RESTORE_FAILED', message, data);
  }
}

function hasState(op: OperatorStateMetadata): boolean {
  return op.coordinatorState !== undefined || op.subtasks.some((s) => s.keyed !== undefined || s.operator !== undefined || s.inputChannels !== undefined);
}

/**
 * Checks that a checkpoint or savepoint fits the job before anything is deployed (Flink's
 * StateAssignmentOperation#checkStateMappingCompleteness): every operator with state in it must exist
 * in the job (matched by operator id, which a uid determines), unless unclaimed state is allowed
 * (`execution.state-recovery.ignore-unclaimed-state`, `flott run -n`); keyed state must keep its max
 * parallelism (its key groups).
 */
export function checkStateFitsJob(metadata: CheckpointMetadata, jobGraph: JobGraph, allowUnclaimed: boolean, source: string): void {
  const operators = new Map<string, JobVertexDescriptor>();
  for (const v of jobGraph.vertices) for (const op of v.operators) operators.set(op.operatorId, v);
  const withInFlightData = metadata.operators.some((op) => op.subtasks.some((s) => s.inputChannels !== undefined));
  for (const op of metadata.operators) {
    const vertex = operators.get(op.operatorId);
    if (withInFlightData && vertex && vertex.parallelism !== op.parallelism) {
      throw new StateRestoreError(
        `Failed to restore from ${source}: it is an unaligned checkpoint with in-flight data, which restores only at the parallelism ` +
          `it was taken at, and operator '${op.name}' had parallelism ${op.parallelism}, now ${vertex.parallelism}. Restore at the old ` +
          `parallelism, or rescale from a savepoint (savepoints are always aligned).`,
        { operatorId: op.operatorId, source },
      );
    }
    if (!hasState(op)) continue;
    if (!vertex) {
      if (allowUnclaimed) continue;
      throw new StateRestoreError(
        `Failed to restore from ${source}: it has state of operator '${op.name}' (id ${op.operatorId}${op.uid ? `, uid '${op.uid}'` : ''}) ` +
          `that the job does not contain. Start with --allowNonRestoredState (-n, execution.state-recovery.ignore-unclaimed-state) to skip it.`,
        { operatorId: op.operatorId, source },
      );
    }
    const keyed = op.subtasks.some((s) => s.keyed !== undefined);
    if (keyed && vertex.maxParallelism !== op.maxParallelism) {
      throw new StateRestoreError(
        `Failed to restore from ${source}: operator '${op.name}' had max parallelism ${op.maxParallelism} and now has ${vertex.maxParallelism}; ` +
          `keyed state cannot change its number of key groups. Set the operator's max parallelism (or pipeline.max-parallelism) back to ${op.maxParallelism}.`,
        { operatorId: op.operatorId, source },
      );
    }
  }
}

/**
 * Whether subtask `subtaskIndex` of `vertex` is deployed as finished (Flink's FINISHED_ON_RESTORE):
 * every operator of its chain had finished in the checkpoint, in all its subtasks (then at any
 * parallelism) or in this one (at the same parallelism). A chain that mixes finished operators with
 * others (chaining changed, or an operator was added to a finished chain) cannot be restored.
 */
function finishedOnRestore(metadata: CheckpointMetadata, vertex: JobVertexDescriptor, subtaskIndex: number): boolean {
  const states = vertex.operators.map(({ operatorId }) => {
    const op = metadata.operators.find((o) => o.operatorId === operatorId);
    const fully = op !== undefined && op.subtasks.length > 0 && op.subtasks.every((s) => s.finished);
    return { op, finished: fully || (op?.parallelism === vertex.parallelism && op.subtasks[subtaskIndex]?.finished === true), fully };
  });
  if (states.every((s) => s.finished)) return true;
  const fully = states.find((s) => s.fully);
  if (fully) {
    const other = vertex.operators[states.findIndex((s) => !s.finished)];
    throw new StateRestoreError(
      `Failed to restore ${vertex.name}: operator '${fully.op!.name}' had finished in checkpoint ${metadata.checkpointId}, but operator ` +
        `'${other.name}' chained with it now had not (its chain changed, or it was added); a task cannot run part of its chain.`,
      { vertex: vertex.name, checkpointId: metadata.checkpointId },
    );
  }
  return false;
}

/**
 * The state subtask `subtaskIndex` of `vertex` starts from (Flink's StateAssignmentOperation): per
 * operator of its chain, the keyed state files of the old subtasks whose key groups overlap its new
 * range, and every old subtask's operator state (the task takes its share). Undefined when none of
 * its operators has state in the checkpoint.
 */
export function taskRestoreFor(metadata: CheckpointMetadata, vertex: JobVertexDescriptor, subtaskIndex: number): TaskRestore | undefined {
  if (finishedOnRestore(metadata, vertex, subtaskIndex)) return { checkpointId: metadata.checkpointId, operators: {}, finishedOnRestore: true };
  const range = computeKeyGroupRangeForOperatorIndex(vertex.maxParallelism, vertex.parallelism, subtaskIndex);
  const operators: Record<string, OperatorRestore> = {};
  for (const { operatorId } of vertex.operators) {
    const op = metadata.operators.find((o) => o.operatorId === operatorId);
    if (!op || !hasState(op)) continue;
    const keyed = op.subtasks.flatMap((s) => (s.keyed && s.keyed.keyGroupRange.startKeyGroup <= range.endKeyGroup && s.keyed.keyGroupRange.endKeyGroup >= range.startKeyGroup ? [s.keyed] : []));
    const operator = op.subtasks.map((s) => s.operator);
    operators[operatorId] = { keyed, operator };
  }
  const head = metadata.operators.find((o) => o.operatorId === vertex.operators[0]?.operatorId);
  const inputChannels = head?.parallelism === vertex.parallelism ? head.subtasks[subtaskIndex]?.inputChannels : undefined;
  if (Object.keys(operators).length === 0 && !inputChannels) return undefined;
  return { checkpointId: metadata.checkpointId, operators, ...(inputChannels ? { inputChannels } : {}) };
}
