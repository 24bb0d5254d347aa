import { InputStatus } from '@flott/core';
import type { Clock, KeyedStateStore, OperatorStateStore, RuntimeContext } from '@flott/core';
import type { Scheduler } from '../time/clock';
import type { KeyedStateBackend } from '../spi/state-backend';
import type { InternalTimeServiceManager } from './timers/timer-service';

/**
 * Where an operator emits. Chained outputs call the next operator directly; network outputs
 * serialise into buffers. Called only on the task's mailbox thread.
 */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  /** Emits to the side output with this tag id (dropped when nobody consumes it). */
  collectSide(tagId: string, value: unknown, timestamp: number): void;
  emitWatermark(watermark: number): void;
  /**
   * Watermark status (Flink's WatermarkStatus): idle = this stream sends no watermarks for now, so
   * downstream leaves it out of its watermark minimum until it is active again. Optional: outputs that
   * do not implement it drop statuses.
   */
  emitWatermarkStatus?(idle: boolean): void;
}

/** What the task hands an operator before `open`. */
export interface OperatorEnvironment<OUT> {
  readonly output: Output<OUT>;
  readonly runtimeContext: RuntimeContext;
  readonly operatorId: string;
  readonly operatorName: string;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Current watermark of the task's input (MIN for sources). */
  currentWatermark(): number;
  /** Lines a print sink writes go here (the TaskManager's stdout by default). */
  stdout(line: string): void;
  stderr(line: string): void;
  /** Sends a message to this operator's coordinator in the JobMaster (e.g. the collect sink). */
  sendOperatorEvent(event: unknown): Promise<unknown>;
  /**
   * Keyed operators only (the StreamNode has a stateKeySelector): state of this subtask's key groups.
   * The task sets the current key from the record before each processElement call.
   */
  readonly keyedStateBackend?: KeyedStateBackend;
  /**
   * Keyed operators only: timer services of this operator (see timers/timer-service.ts). Operators
   * that use timers call `timeServiceManager.advanceWatermark(wm)` in processWatermark before
   * emitting the watermark.
   */
  readonly timeServiceManager?: InternalTimeServiceManager;
  /**
   * Non-keyed (operator) state of this subtask: list, union list and broadcast state. Set by the task
   * and the test harness; in memory until the checkpoint issue snapshots it.
   */
  readonly operatorStateStore?: OperatorStateStore;
  /**
   * An operator that can be back-pressured by something other than its network outputs (e.g. the collect
   * sink waiting for the client) registers here; the task processes no further input while it is unavailable.
   */
  registerAvailabilityProvider(provider: AvailabilityProvider): void;
  /**
   * Whether the task's outputs take more data now. Work an operator starts by itself (periodic
   * watermarks) bounds what it emits while they do not (see TimestampsAndWatermarksOperator), rather
   * than overdrawing network buffers. Absent = always.
   */
  readonly isOutputAvailable?: () => boolean;
  /**
   * The task's mailbox (Flink's MailboxExecutor), for operators whose work completes outside their own
   * calls (async I/O). Absent where no task runs the operator (hand-built environments).
   */
  readonly mailbox?: MailboxExecutor;
  /**
   * The task takes a final checkpoint after its operators finished (checkpoints after tasks finish,
   * FLIP-147): what an operator prepares in `finish` is committed when that checkpoint completes, not
   * in `finish`. Absent = no checkpoint follows the end of input.
   */
  readonly checkpointsAfterTasksFinish?: boolean;
}

/**
 * Runs actions on the task's mailbox loop, between processing steps, in submission order (Flink's
 * MailboxExecutor). `execute` may be called from any callback (a promise's, a socket's); the action
 * runs later on the task's thread, where it may emit; what it throws fails the task. As the task's
 * scheduled callbacks, actions are held while the task stops with a savepoint (nothing is emitted
 * after the barrier) unless its operators are draining, and dropped once the task failed or was canceled.
 */
export interface MailboxExecutor {
  execute(action: () => void): void;
  /**
   * For an operator that must wait inside `finish` (Flink's `yield` in endInput): resolves once it ran
   * the mail that arrived (waiting for some when there is none); rejects when the task is canceled or
   * failed meanwhile, so a wait never outlives its task.
   */
  yield(): Promise<void>;
}

export interface AvailabilityProvider {
  isAvailable(): boolean;
  whenAvailable(): Promise<void>;
}

/** What an operator sees when its state is initialised (Flink's StateInitializationContext). */
export interface StateInitializationContext {
  /** True when the task was started from a checkpoint or savepoint that had state for this task. */
  isRestored(): boolean;
  /** The checkpoint it was restored from, when restored. */
  readonly restoredCheckpointId?: number;
  /** The operator (non-keyed) state, already holding what was restored. */
  readonly operatorStateStore: OperatorStateStore;
  /** Keyed operators only: the keyed state, already holding what was restored. */
  readonly keyedStateStore?: KeyedStateStore;
}

/** What an operator sees when it takes part in a checkpoint (Flink's StateSnapshotContext). */
export interface StateSnapshotContext {
  readonly checkpointId: number;
  /** When the checkpoint was triggered (the JobManager's clock, ms). */
  readonly checkpointTimestamp: number;
}

/**
 * Life cycle, on the task's mailbox thread: setup → initializeState → open → (process* and
 * snapshotState at checkpoints) → finish → close. `finish` runs when all input is consumed (bounded
 * input) and may still emit; `close` releases resources and runs also after failure or cancellation.
 *
 * Checkpoints (all optional, on the mailbox thread): `initializeState` runs once before `open`, after
 * the task restored the operator's keyed state, timers and operator state into its stores.
 * `snapshotState` runs when the checkpoint's barrier has reached the operator (all inputs aligned in
 * exactly-once mode), before the barrier goes downstream; it moves what the operator keeps outside its
 * state stores (source positions, buffered records) into them and must not emit records. The task
 * then snapshots the stores. `notifyCheckpointComplete` runs once the JobManager completed the
 * checkpoint (all tasks acknowledged), `notifyCheckpointAborted` when it was aborted; neither is
 * guaranteed for every checkpoint (a newer completion subsumes older ones).
 */
export interface StreamOperator<OUT> {
  setup(env: OperatorEnvironment<OUT>): void;
  initializeState?(context: StateInitializationContext): void | Promise<void>;
  open(): void | Promise<void>;
  /**
   * Flink's prepareSnapshotPreBarrier: runs at a checkpoint before the barrier goes downstream (and before
   * any operator's `snapshotState`), the one moment an operator may still emit records that belong to
   * this checkpoint (a sink writer hands its committables to the committer here). Synchronous.
   */
  prepareSnapshotPreBarrier?(checkpointId: number): void;
  snapshotState?(context: StateSnapshotContext): void;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
  /**
   * An event from this operator's coordinator on the JobMaster (Flink's OperatorEventHandler), on the
   * mailbox thread between two processing steps, in the order the coordinator sent them.
   */
  handleOperatorEvent?(event: unknown): void;
  finish(): void | Promise<void>;
  close(): void | Promise<void>;
}

export interface OneInputStreamOperator<IN, OUT> extends StreamOperator<OUT> {
  processElement(value: IN, timestamp: number): void;
  processWatermark(watermark: number): void;
  /** The input became idle or active again; operators without it forward the status unchanged. */
  processWatermarkStatus?(idle: boolean): void;
  /**
   * BATCH execution with sorted inputs: every record of the current key was processed (the current key
   * is still set; no record of it follows). A keyed operator may emit the key's final result here and
   * drop its state, so state stays at one key (Flink gets this through its batch state backend).
   */
  keyFinished?(): void;
}

export interface TwoInputStreamOperator<IN1, IN2, OUT> extends StreamOperator<OUT> {
  processElement1(value: IN1, timestamp: number): void;
  processElement2(value: IN2, timestamp: number): void;
  processWatermark1(watermark: number): void;
  processWatermark2(watermark: number): void;
  /** Input 1 or 2 became idle or active again (idle inputs leave the operator's watermark minimum). */
  processWatermarkStatus1?(idle: boolean): void;
  processWatermarkStatus2?(idle: boolean): void;
}

// The same statuses as the unified Source API's readers (one enum, so a reader's status passes through).
export { InputStatus };

/**
 * A source in the mailbox model (as FLIP-27's SourceReader): the task polls it for at most
 * `maxRecords` records at a time, so a source never blocks the thread and back-pressure is honoured
 * between polls.
 */
export interface SourceOperator<OUT> extends StreamOperator<OUT> {
  readonly isSourceOperator: true;
  pollNext(maxRecords: number): InputStatus;
  /** Resolves when `pollNext` may have data again (after NOTHING_AVAILABLE). */
  available(): Promise<void>;
  /** Called on cancellation: stop producing and release resources (sockets, files). */
  cancel(): void;
}

export function isSourceOperator(op: StreamOperator<unknown>): op is SourceOperator<unknown> {
  return (op as SourceOperator<unknown>).isSourceOperator === true;
}

export function isTwoInputOperator(op: StreamOperator<unknown>): op is TwoInputStreamOperator<unknown, unknown, unknown> {
  return typeof (op as TwoInputStreamOperator<unknown, unknown, unknown>).processElement1 === 'function';
}
