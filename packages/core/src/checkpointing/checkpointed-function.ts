import type { KeyedStateStore } from '../state/keyed-state-store';
import type { OperatorStateStore } from '../state/operator-state-store';

/**
 * User functions that take part in checkpoints (Flink's CheckpointedFunction, FunctionSnapshotContext
 * and FunctionInitializationContext). The operator that holds the function calls these on the task's
 * mailbox thread, one call at a time and never while a record is being processed.
 */

/** What `snapshotState` learns about the checkpoint being taken (Flink's FunctionSnapshotContext). */
export interface FunctionSnapshotContext {
  /** The checkpoint's id: ids of one job increase with every checkpoint. */
  getCheckpointId(): number;
  /** When the JobManager triggered the checkpoint (its clock, milliseconds since the epoch). */
  getCheckpointTimestamp(): number;
}

/**
 * What `initializeState` gets (Flink's FunctionInitializationContext): the state stores, already
 * holding what a restore brought back, and whether there was a restore.
 */
export interface FunctionInitializationContext {
  /** True when the job was started from a checkpoint or savepoint that had state for this subtask. */
  isRestored(): boolean;
  /** The checkpoint (or savepoint) the state comes from; undefined when not restored. */
  getRestoredCheckpointId(): number | undefined;
  /** Non-keyed state of this subtask: list state (split on rescaling), union list state (given to all), broadcast state. */
  getOperatorStateStore(): OperatorStateStore;
  /**
   * Keyed state, for functions after `keyBy()`. Elsewhere it throws KeyedStateUnavailableError (Flink's
   * "Keyed state can only be used on a 'keyed stream'"), rather than handing out a store that fails later.
   */
  getKeyedStateStore(): KeyedStateStore;
}

/**
 * A function with state of its own to checkpoint (Flink's CheckpointedFunction).
 *
 * `initializeState` runs once per subtask before the function's `open()`, both on a fresh start and
 * after a restore: register (and, when `isRestored()`, read back) state there. It may return a
 * promise; the task does not open the operator before it settles.
 *
 * `snapshotState` runs when a checkpoint's barrier has reached the operator, before the barrier goes
 * on downstream. It is synchronous on purpose: while it runs the barrier is held and, in exactly-once
 * mode, the inputs that already delivered theirs are blocked, so it must only move what the function
 * keeps in its own fields into the state registered in `initializeState` (the state backend then
 * writes that out asynchronously). Awaiting I/O here would stall the whole pipeline.
 */
export interface CheckpointedFunction {
  snapshotState(context: FunctionSnapshotContext): void;
  initializeState(context: FunctionInitializationContext): void | Promise<void>;
}

/** Whether `f` is a CheckpointedFunction (duck-typed, as a class from another copy of the library counts too). */
export function isCheckpointedFunction(f: unknown): f is CheckpointedFunction {
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof (f as CheckpointedFunction).snapshotState === 'function' &&
    typeof (f as CheckpointedFunction).initializeState === 'function'
  );
}
