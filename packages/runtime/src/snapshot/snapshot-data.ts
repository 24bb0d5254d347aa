
// What a checkpoint holds, independent of the state backend that produced it and of the storage it
// went to (the canonical form: a savepoint taken on one backend restores on another). The codecs in
// checkpoint/format/ turn these into the versioned files docs/checkpoint-format.md describes.

// This module imports nothing of the runtime: the SPIs, the state stores and the deployment
// descriptors all use it, so it sits below them.

/** Contiguous range of key groups [start, end] owned by one subtask (DESIGN.md §7). */
export interface KeyGroupRange {
  readonly startKeyGroup: number;
  readonly endKeyGroup: number;
}

/**
 * How operator list state is redistributed on restore at another parallelism (Flink's
 * OperatorStateHandle.Mode): SPLIT_DISTRIBUTE splits the union of all lists evenly, UNION gives
 * every subtask everything, BROADCAST keeps one copy per subtask.
 */
export type OperatorStateMode = 'SPLIT_DISTRIBUTE' | 'UNION' | 'BROADCAST';

/** One keyed-state entry: a state's value under a key and namespace (JS values; the codec serialises them). */
export interface KeyedStateEntry {
  readonly key: unknown;
  /** undefined for states without namespace; a window or another namespace value otherwise. */
  readonly namespace: unknown;
  readonly value: unknown;
}

/** A timer of one timer service: fires for `key` and `namespace` at `timestamp`. */
export interface TimerEntry {
  readonly key: unknown;
  readonly namespace: unknown;
  readonly timestamp: number;
}

/** One key group's keyed state and timers. */
export interface KeyGroupSnapshot {
  readonly keyGroup: number;
  /**
   * Per state name (ascending), its entries. States without entries in this group are left out.
   * `serialized`: the values are the serialized forms of the state's custom serializers (runtime's
   * serialization/state-codec.ts), not the values themselves.
   */
  readonly states: ReadonlyArray<{ readonly name: string; readonly entries: readonly KeyedStateEntry[]; readonly serialized?: boolean }>;
  /**
   * Only in the change files of an incremental checkpoint: per state name (ascending), the entries
   * removed since the checkpoint the changes build on (`states` then holds the entries written since).
   */
  readonly removed?: ReadonlyArray<{ readonly name: string; readonly entries: ReadonlyArray<{ readonly key: unknown; readonly namespace: unknown }> }>;
  /** Per timer service name (ascending), its pending timers. Services without timers here are left out. */
  readonly timers: ReadonlyArray<{
    readonly service: string;
    readonly eventTime: readonly TimerEntry[];
    readonly processingTime: readonly TimerEntry[];
  }>;
}

/** The keyed state and timers of one operator subtask: its key-group range, non-empty groups ascending. */
export interface KeyedStateSnapshot {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly groups: readonly KeyGroupSnapshot[];
}

/** The operator (non-keyed) state of one operator subtask: list, union list and broadcast states. */
export interface OperatorStateSnapshotData {
  readonly states: ReadonlyArray<{
    readonly name: string;
    readonly mode: OperatorStateMode;
    /** List elements (SPLIT_DISTRIBUTE, UNION) or `[key, value]` pairs (BROADCAST). */
    readonly values: readonly unknown[];
    /** The elements (broadcast: keys and values) are in the serialized form of the state's custom serializers. */
    readonly serialized?: boolean;
  }>;
}

/** A stored blob: bytes carried inline (the jobmanager storage) or a file or object the storage wrote. */
export type StreamStateHandle =
  | { readonly kind: 'inline'; readonly data: Uint8Array }
  | { readonly kind: 'file'; readonly uri: string; readonly size: number };

/** Where one subtask's keyed state of one operator is stored, and which key groups it covers. */
export interface KeyedStateHandle {
  readonly keyGroupRange: KeyGroupRange;
  /** The keyed state file; of an incremental checkpoint, the full file its changes build on. */
  readonly handle: StreamStateHandle;
  /**
   * Incremental checkpoints only (`execution.checkpointing.incremental`): the change files written
   * since `handle`, oldest first, each holding what changed since the one before and the timers at its
   * checkpoint. Present (possibly empty) means `handle` and every change file are SHARED state, which
   * later checkpoints may reference too (the coordinator's SharedStateRegistry counts them).
   */
  readonly changes?: readonly StreamStateHandle[];
}

/** The state one subtask of one operator acknowledged for a checkpoint. */
export interface OperatorSubtaskState {
  readonly keyed?: KeyedStateHandle;
  readonly operator?: StreamStateHandle;
  /**
   * The in-flight data of the task's input channels an unaligned checkpoint stored (a channel state
   * file); on the chain's head operator only. Restored only at the same parallelism.
   */
  readonly inputChannels?: StreamStateHandle;
  /**
   * The subtask had finished when the checkpoint was taken (checkpoints after tasks finish; Flink's
   * FinishedOperatorSubtaskState): it has no state, and a restore does not run it again.
   */
  readonly finished?: true;
}

/** A task's acknowledgement: the state of each operator in its chain, by operator id. */
export type TaskStateSnapshot = Readonly<Record<string, OperatorSubtaskState>>;

export type SnapshotType = 'CHECKPOINT' | 'SAVEPOINT';

/**
 * What the tasks do after a stop-with-savepoint's synchronous savepoint (Flink's SavepointType
 * suspend/terminate and its PostCheckpointAction): SUSPEND stops without draining (no end of event
 * time, no endInput/finish); TERMINATE drains first (MAX_WATERMARK, endInput/finish before the
 * barrier). Either way each task waits for the savepoint's completion and then finishes.
 */
export type PostCheckpointAction = 'SUSPEND' | 'TERMINATE';

/** One operator's state in a completed checkpoint, per subtask of the parallelism it ran at. */
export interface OperatorStateMetadata {
  readonly operatorId: string;
  /** The user's uid when set (restores match by it first), and the operator's name for messages. */
  readonly uid?: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Index = subtask index; an entry is empty when that subtask had no state of this operator. */
  readonly subtasks: readonly OperatorSubtaskState[];
  /**
   * The state of the operator's coordinator on the JobMaster (a source's SplitEnumerator), taken
   * before the checkpoint's barriers were injected; absent for operators without a coordinator.
   */
  readonly coordinatorState?: Uint8Array;
}

/** The `_metadata` of a completed checkpoint or savepoint: written last, so its presence means complete. */
export interface CheckpointMetadata {
  readonly checkpointId: number;
  readonly jobId: string;
  readonly type: SnapshotType;
  /** When the checkpoint was triggered (the JobManager's clock, ms). */
  readonly timestamp: number;
  readonly operators: readonly OperatorStateMetadata[];
}
