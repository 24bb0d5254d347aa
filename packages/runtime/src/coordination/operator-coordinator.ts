/**
 * What a coordinator gets from its JobMaster (Flink's OperatorCoordinator.Context). Events reach a
 * subtask attempt through the TaskExecutor gateway's `sendOperatorEventToTask`, so the remote
 * transport carries them unchanged; the promise rejects when the attempt is gone (the coordinator then
 * learns of it through `executionAttemptFailed` or a reset).
 */
export interface OperatorCoordinatorContext {
  readonly operatorId: string;
  readonly operatorName: string;
  readonly parallelism: number;
  sendEventToTask(attemptId: string, event: unknown): Promise<void>;
  /** The coordinator failed: the job fails over. */
  failJob(cause: Error): void;
}

/**
 * A component on the JobMaster that belongs to one operator and talks with its subtasks through
 * operator events (Flink's OperatorCoordinator); the source coordinator running a SplitEnumerator is
 * the first. Called only on the JobMaster's event loop, in this order: `resetToCheckpoint` (when the job
 * starts from a checkpoint), `start`, then events, checkpoints and failures as they happen, `close`.
 *
 * Checkpoints: `checkpointCoordinator` runs when a checkpoint is triggered, before the barriers are
 * injected at the sources, and its bytes go into the checkpoint's metadata for this operator. A
 * global failover (every task restarts) calls `resetToCheckpoint` with those bytes of the checkpoint
 * the tasks restore (undefined: no checkpoint, start afresh); a subtask restarting alone calls
 * `subtaskReset` with the checkpoint it restores.
 */
export interface OperatorCoordinator {
  start(): void;
  /** An event the operator of a subtask attempt sent (JobMaster gateway `sendOperatorEvent`); the attempt may be sent events from now on. */
  handleEventFromOperator(subtask: number, attemptId: string, event: unknown): Promise<void>;
  /** The attempt failed or was canceled: it takes no more events. */
  executionAttemptFailed(subtask: number, attemptId: string): void;
  checkpointCoordinator(checkpointId: number): Promise<Uint8Array>;
  notifyCheckpointComplete(checkpointId: number): void;
  /** The subtask restarts alone, from checkpoint `checkpointId` (undefined: from no checkpoint). */
  subtaskReset(subtask: number, checkpointId: number | undefined): void;
  /** Every subtask restarts from checkpoint `checkpointId` whose state for this coordinator is `state`. */
  resetToCheckpoint(checkpointId: number | undefined, state: Uint8Array | undefined): Promise<void>;
  close(): Promise<void>;
}
