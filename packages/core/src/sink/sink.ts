import type { SimpleVersionedSerializer } from '../serialization/simple-versioned-serializer';
// Flink's Sink V2 (org.apache.flink.api.connector.sink2): a sink is a factory of writers, and a sink that
// commits in two phases also of committers. The runtime's writer and committer operators drive them.


/** A processing-time timer the sink registered (Flink's ProcessingTimeService.ScheduledFuture). */
export interface ScheduledTimer {
  cancel(): void;
}

/**
 * Processing time for writers (Flink's ProcessingTimeService): the task's injected clock, and timers
 * whose callbacks run on the task's mailbox thread between records (never concurrently with `write`).
 */
export interface ProcessingTimeService {
  getCurrentProcessingTime(): number;
  registerTimer(timestamp: number, callback: (time: number) => void): ScheduledTimer;
}

/** What a writer learns about its subtask when it is created (Flink's WriterInitContext). */
export interface WriterInitContext {
  getSubtaskId(): number;
  getNumberOfParallelSubtasks(): number;
  getAttemptNumber(): number;
  /** The checkpoint the job was restored from, if any. */
  getRestoredCheckpointId(): number | undefined;
  getProcessingTimeService(): ProcessingTimeService;
}

/** What the committer learns about its subtask (Flink's CommitterInitContext). */
export interface CommitterInitContext {
  getSubtaskId(): number;
  getNumberOfParallelSubtasks(): number;
  getAttemptNumber(): number;
  getRestoredCheckpointId(): number | undefined;
}

/** Per record (Flink's SinkWriter.Context). */
export interface SinkWriterContext {
  /** The task's current watermark. */
  currentWatermark(): number;
  /** The record's timestamp, undefined when it has none. */
  timestamp(): number | undefined;
}

/**
 * Writes records (Flink's SinkWriter). Called on the task's mailbox thread, one call at a time.
 * `write`, `flush` and `writeWatermark` are synchronous: the task processes records synchronously, and
 * `flush` runs in the synchronous part of a checkpoint (before the barrier goes on), so what it
 * reports must be durable when it returns. `close` may return a promise; it runs also after failures.
 */
export interface SinkWriter<InputT> {
  write(element: InputT, context: SinkWriterContext): void;
  /** Called before each checkpoint (`endOfInput` false) and once at the end of bounded input (true). */
  flush(endOfInput: boolean): void;
  writeWatermark?(watermark: number): void;
  close(): void | Promise<void>;
}

/**
 * A writer of a two-phase-commit sink (Flink's CommittingSinkWriter): after `flush`, `prepareCommit`
 * hands over what the committer makes visible once the checkpoint completes (pre-commit phase). The
 * returned committables must survive a failure of this writer (e.g. closed, durable files).
 */
export interface CommittingSinkWriter<InputT, CommT> extends SinkWriter<InputT> {
  prepareCommit(): CommT[];
}

/**
 * A writer with state (Flink's StatefulSinkWriter): at each checkpoint, after `prepareCommit`, what it
 * needs to resume (e.g. the in-progress file and its valid length). The states of all subtasks are
 * redistributed evenly on rescaling, so each must stand on its own.
 */
export interface StatefulSinkWriter<InputT, WriterStateT> extends SinkWriter<InputT> {
  snapshotState(checkpointId: number): WriterStateT[];
}

/** Flink's Sink: creates one writer per subtask. */
export interface Sink<InputT> {
  createWriter(context: WriterInitContext): SinkWriter<InputT> | Promise<SinkWriter<InputT>>;
}

/** A sink whose writers have state (Flink's SupportsWriterState). */
export interface SupportsWriterState<InputT, WriterStateT> extends Sink<InputT> {
  /** A writer resuming from the states the restored checkpoint holds for this subtask (maybe none). */
  restoreWriter(context: WriterInitContext, recoveredState: readonly WriterStateT[]): StatefulSinkWriter<InputT, WriterStateT> | Promise<StatefulSinkWriter<InputT, WriterStateT>>;
  /** Optional: how writer states are stored in checkpoints; msgpack (through the state file) when absent. */
  getWriterStateSerializer?(): SimpleVersionedSerializer<WriterStateT>;
}

/** A two-phase-commit sink (Flink's SupportsCommitter). */
export interface SupportsCommitter<InputT, CommT> extends Sink<InputT> {
  createCommitter(context: CommitterInitContext): Committer<CommT> | Promise<Committer<CommT>>;
  /** Optional: how committables are stored in checkpoints; msgpack (through the state file) when absent. */
  getCommittableSerializer?(): SimpleVersionedSerializer<CommT>;
}

/**
 * One committable to commit (Flink's Committer.CommitRequest). Not calling any signal method means
 * success. `retryLater` asks for another attempt (bounded by the committer operator's retry limit).
 */
export interface CommitRequest<CommT> {
  getCommittable(): CommT;
  /** How often this committable was retried so far. */
  getNumberOfRetries(): number;
  /** A failure that must fail the job (e.g. the committable can never succeed). */
  signalFailedWithKnownReason(cause: Error): void;
  signalFailedWithUnknownReason(cause: Error): void;
  /** A transient failure: commit again later. */
  retryLater(): void;
  /** The committable was replaced by another one; commit that one instead, later. */
  updateAndRetryLater(committable: CommT): void;
  /** Already committed (e.g. by the attempt before a restore); not an error. */
  signalAlreadyCommitted(): void;
}

/**
 * Makes prepared committables visible (Flink's Committer). Called on the task's mailbox thread when a
 * checkpoint completes, after a restore for what the restored checkpoint still held, and at the end of
 * bounded input. Must be idempotent: after a failure the same committable may be committed again.
 * The returned promise may run over several records; the next commit starts after it settled.
 */
export interface Committer<CommT> {
  commit(requests: readonly CommitRequest<CommT>[]): void | Promise<void>;
  close(): void | Promise<void>;
}

export function supportsCommitter<InputT>(sink: Sink<InputT>): sink is SupportsCommitter<InputT, unknown> {
  return typeof (sink as Partial<SupportsCommitter<InputT, unknown>>).createCommitter === 'function';
}

export function supportsWriterState<InputT>(sink: Sink<InputT>): sink is SupportsWriterState<InputT, unknown> {
  return typeof (sink as Partial<SupportsWriterState<InputT, unknown>>).restoreWriter === 'function';
}

export function isSink(value: unknown): value is Sink<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Sink<unknown>>).createWriter === 'function';
}

export function isCommittingSinkWriter<InputT>(writer: SinkWriter<InputT>): writer is CommittingSinkWriter<InputT, unknown> {
  return typeof (writer as Partial<CommittingSinkWriter<InputT, unknown>>).prepareCommit === 'function';
}

export function isStatefulSinkWriter<InputT>(writer: SinkWriter<InputT>): writer is StatefulSinkWriter<InputT, unknown> {
  return typeof (writer as Partial<StatefulSinkWriter<InputT, unknown>>).snapshotState === 'function';
}
