import type { SimpleVersionedSerializer } from '../../serialization/simple-versioned-serializer';
import type { Clock } from '../../time/clock';

// Flink's unified Source API (FLIP-27, org.apache.flink.api.connector.source): a Source is a factory
// of a SplitEnumerator, which runs once per source operator on the JobMaster and assigns splits, and
// of SourceReaders, one per parallel subtask, which read the splits they are given. Both snapshot
// their state at checkpoints, so a restore resumes each split where the checkpoint was.

/** Whether a source ends (Flink's Boundedness): a BOUNDED one ends its readers with END_OF_INPUT. */
export enum Boundedness {
  BOUNDED = 'BOUNDED',
  CONTINUOUS_UNBOUNDED = 'CONTINUOUS_UNBOUNDED',
}

/**
 * A part of a source's data (a file range, a partition, an index range). Unlike Flink's SourceSplit
 * (a method `splitId()`), the id is a property: splits are plain data, checkpointed and sent between
 * the JobMaster and the tasks as values, so they lose any prototype on the way. A split a reader
 * snapshots carries its position within the split.
 */
export interface SourceSplit {
  readonly splitId: string;
}


/** A message between a SplitEnumerator and its SourceReaders (plain data; Flink's SourceEvent). */
export type SourceEvent = unknown;

/** How a reader reports its progress (Flink's InputStatus); the same values the task loop uses. */
export enum InputStatus {
  /** More records can be polled right away. */
  MORE_AVAILABLE = 0,
  /** Nothing now; wait for `isAvailable()`. */
  NOTHING_AVAILABLE = 1,
  /** The reader is done: no splits left and no more to come. */
  END_OF_INPUT = 2,
}

/** A timer a reader or enumerator sets through its context (the runtime's injected scheduler). */
export interface SourceTimer {
  cancel(): void;
}

/**
 * Where a reader emits (Flink's SourceOutput). `timestamp` is the record's event time; without one
 * the record keeps no timestamp (or the watermark strategy's assigner gives it one).
 */
export interface SourceOutput<T> {
  collect(record: T, timestamp?: number): void;
  emitWatermark(watermark: number): void;
  /** This output sends no watermarks for now: downstream leaves it out of its minimum until it is active again. */
  markIdle(): void;
  markActive(): void;
}

/**
 * The reader's output (Flink's ReaderOutput). Readers of several splits may emit each split through
 * its own output, so watermarks are generated per split and the operator's watermark is the minimum
 * over its active splits (Flink's split-local watermarks).
 */
export interface ReaderOutput<T> extends SourceOutput<T> {
  createOutputForSplit(splitId: string): SourceOutput<T>;
  /** The split is finished: it no longer holds the watermark back. */
  releaseOutputForSplit(splitId: string): void;
}

/**
 * What a SourceReader sees of its task (Flink's SourceReaderContext). Called only on the task's
 * mailbox thread.
 */
export interface SourceReaderContext {
  getIndexOfSubtask(): number;
  currentParallelism(): number;
  /** Asks the enumerator for a split (the enumerator's handleSplitRequest). */
  sendSplitRequest(): void;
  sendSourceEventToCoordinator(event: SourceEvent): void;
  /** The task's clock (a test's manual clock). */
  readonly clock: Clock;
  /** Runs `callback` on the task's mailbox thread after `delayMs`; what it throws fails the task. */
  schedule(delayMs: number, callback: () => void): SourceTimer;
}

/**
 * Reads the splits of one parallel subtask (Flink's SourceReader). Life cycle, on the task's mailbox
 * thread: `start` → (`addSplits`, `pollNext`, `snapshotState`, ...)* → `close`. `pollNext` must not
 * block: it emits what is ready (a bounded batch, typically one record) and says whether more is
 * ready; after NOTHING_AVAILABLE the task waits for `isAvailable()`. A restored reader gets its
 * snapshotted splits through `addSplits` before `start`.
 */
export interface SourceReader<T, SplitT extends SourceSplit> {
  start(): void | Promise<void>;
  /**
   * `maxRecords` (Flott; at least 1 when given) is how many records the task takes in this call at
   * most: a reader may emit up to that many at once (one call per batch instead of one per record),
   * never more. Flink's readers ignore it and emit one.
   */
  pollNext(output: ReaderOutput<T>, maxRecords?: number): InputStatus;
  /**
   * Flott: the names of this reader's per-record methods. The task compiles a private copy of each
   * for this reader instance (the runtime's specializeHotMethods), so V8 keeps their call sites (the
   * job's functions, the output) monomorphic instead of sharing one method's type feedback with every
   * job the slot thread ever ran. Such a method must reach everything through `this` and its
   * parameters: no imports, closures or `super`.
   */
  readonly hotMethods?: readonly string[];
  /** Resolves when `pollNext` may have data again (new splits, a timer, I/O completed). */
  isAvailable(): Promise<void>;
  addSplits(splits: readonly SplitT[]): void;
  /** The enumerator will assign no more splits: END_OF_INPUT once the current ones are read. */
  notifyNoMoreSplits(): void;
  /** The splits this reader holds, each with its current position (what a restore resumes from). */
  snapshotState(checkpointId: number): SplitT[];
  handleSourceEvents?(event: SourceEvent): void;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  close(): void | Promise<void>;
}

/** A registered reader (Flink's ReaderInfo). */
export interface ReaderInfo {
  readonly subtaskId: number;
}

/** Splits for several readers at once (Flink's SplitsAssignment): subtask index → its new splits. */
export type SplitsAssignment<SplitT> = ReadonlyMap<number, readonly SplitT[]>;

/**
 * What a SplitEnumerator sees of the JobMaster (Flink's SplitEnumeratorContext). Everything runs on
 * the coordinator's event loop; `callAsync` is how an enumerator does slow work (listing a
 * directory) without holding it.
 */
export interface SplitEnumeratorContext<SplitT extends SourceSplit> {
  currentParallelism(): number;
  /** The readers that registered and are running now, by subtask index. */
  registeredReaders(): ReadonlyMap<number, ReaderInfo>;
  assignSplit(split: SplitT, subtaskId: number): void;
  assignSplits(assignment: SplitsAssignment<SplitT>): void;
  signalNoMoreSplits(subtaskId: number): void;
  sendEventToSourceReader(subtaskId: number, event: SourceEvent): void;
  /**
   * Runs `callable` (once after `initialDelayMs`, or every `periodMs` when given) and hands its result
   * or error to `handler` on the coordinator's event loop. At most one run of a periodic call is in
   * flight: a period that finds the previous run unfinished is skipped. Calls end when the enumerator closes.
   */
  callAsync<R>(callable: () => R | Promise<R>, handler: (result: R | undefined, error: Error | undefined) => void, initialDelayMs?: number, periodMs?: number): void;
  readonly clock: Clock;
}

/**
 * Discovers splits and assigns them to readers (Flink's SplitEnumerator), on the JobMaster, one per
 * source operator. Called on the coordinator's event loop, never concurrently. `snapshotState` runs
 * before the checkpoint's barriers are injected at the sources, so the enumerator's state and the
 * readers' state describe the same cut: a split is either still in the enumerator's checkpoint or in
 * exactly one reader's.
 */
export interface SplitEnumerator<SplitT extends SourceSplit, CheckpointT> {
  start(): void;
  handleSplitRequest(subtaskId: number): void;
  /** Splits assigned to a reader since the last completed checkpoint, returned because that reader failed. */
  addSplitsBack(splits: readonly SplitT[], subtaskId: number): void;
  addReader(subtaskId: number): void;
  snapshotState(checkpointId: number): CheckpointT | Promise<CheckpointT>;
  notifyCheckpointComplete?(checkpointId: number): void;
  handleSourceEvent?(subtaskId: number, event: SourceEvent): void;
  close(): void | Promise<void>;
}

/**
 * A unified source (Flink's Source): the factory of its enumerator and readers. It is created while
 * the job's graph is built, in the client and again wherever the graph is rebuilt, so it holds only
 * its configuration and starts no I/O.
 */
export interface Source<T, SplitT extends SourceSplit, EnumChkT> {
  getBoundedness(): Boundedness;
  createReader(context: SourceReaderContext): SourceReader<T, SplitT>;
  createEnumerator(context: SplitEnumeratorContext<SplitT>): SplitEnumerator<SplitT, EnumChkT>;
  restoreEnumerator(context: SplitEnumeratorContext<SplitT>, checkpoint: EnumChkT): SplitEnumerator<SplitT, EnumChkT>;
  /** Absent: splits are checkpointed in the runtime's msgpack form. */
  getSplitSerializer?(): SimpleVersionedSerializer<SplitT>;
  /** Absent: the enumerator's checkpoint is stored in the runtime's msgpack form. */
  getEnumeratorCheckpointSerializer?(): SimpleVersionedSerializer<EnumChkT>;
}

/** Whether `value` is a unified Source (what `env.fromSource` takes). */
export function isSource(value: unknown): value is Source<unknown, SourceSplit, unknown> {
  const s = value as Partial<Source<unknown, SourceSplit, unknown>> | null;
  return typeof s === 'object' && s !== null && typeof s.createReader === 'function' && typeof s.createEnumerator === 'function' &&
    typeof s.restoreEnumerator === 'function' && typeof s.getBoundedness === 'function';
}
