/**
 * Which splits the coordinator assigned to which subtask since the last completed checkpoint (Flink's
 * SplitAssignmentTracker): a subtask that restarts from checkpoint c lost what it got after c, so
 * those splits go back to the enumerator. Bounded by the checkpoints in flight
 * (execution.checkpointing.max-concurrent-checkpoints) and what one checkpoint interval assigns.
 */
export class SplitAssignmentTracker<SplitT> {
  /** Per checkpoint id (ascending), the assignments made before it and after the previous one. */
  private readonly byCheckpoint = new Map<number, Map<number, SplitT[]>>();
  private uncheckpointed = new Map<number, SplitT[]>();

  recordAssignment(subtask: number, splits: readonly SplitT[]): void {
    const list = this.uncheckpointed.get(subtask) ?? [];
    list.push(...splits);
    this.uncheckpointed.set(subtask, list);
  }

  /** A checkpoint is taken: the assignments so far belong to it. */
  onCheckpoint(checkpointId: number): void {
    this.byCheckpoint.set(checkpointId, this.uncheckpointed);
    this.uncheckpointed = new Map();
  }

  /** Checkpoint `checkpointId` completed: what it holds is safe in the readers' state. */
  onCheckpointComplete(checkpointId: number): void {
    for (const id of [...this.byCheckpoint.keys()]) if (id <= checkpointId) this.byCheckpoint.delete(id);
  }

  /** The splits `subtask` got after checkpoint `restoredCheckpointId` (all it got, when undefined); forgotten here. */
  takeAssignmentsAfter(subtask: number, restoredCheckpointId: number | undefined): SplitT[] {
    const taken: SplitT[] = [];
    for (const [id, assignments] of this.byCheckpoint) {
      if (restoredCheckpointId !== undefined && id <= restoredCheckpointId) continue;
      taken.push(...(assignments.get(subtask) ?? []));
      assignments.delete(subtask);
    }
    taken.push(...(this.uncheckpointed.get(subtask) ?? []));
    this.uncheckpointed.delete(subtask);
    return taken;
  }

  clear(): void {
    this.byCheckpoint.clear();
    this.uncheckpointed = new Map();
  }
}
