/**
 * Told when checkpoints complete or are aborted (Flink's CheckpointListener), for side effects that
 * must wait until the state they belong to is safe: committing a transaction, acknowledging messages
 * to a queue. Called on the task's mailbox thread, between records.
 *
 * Notifications are not guaranteed for every checkpoint: a later checkpoint's completion subsumes
 * earlier ones, and a failure may cut a notification off. An implementation therefore treats
 * `notifyCheckpointComplete(n)` as "everything up to n is complete".
 */
export interface CheckpointListener {
  /** Checkpoint `checkpointId` completed: every task acknowledged it and the JobManager stored it. May be async. */
  notifyCheckpointComplete(checkpointId: number): void | Promise<void>;
  /** Checkpoint `checkpointId` was aborted (declined, expired, or a task failed); what it prepared can be discarded. May be async. */
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
}

/** Whether `f` is a CheckpointListener (duck-typed). */
export function isCheckpointListener(f: unknown): f is CheckpointListener {
  return typeof f === 'object' && f !== null && typeof (f as CheckpointListener).notifyCheckpointComplete === 'function';
}
