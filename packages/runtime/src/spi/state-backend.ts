import type { Configuration, StateDescriptor } from '@flott/core';
import type { KeyGroupRange } from '../snapshot/snapshot-data';

export type { KeyGroupRange };

/**
 * Working keyed state of one operator subtask, partitioned by key group. Contract: used only on the
 * task's mailbox thread; `setCurrentKey` scopes every state access that follows and throws
 * KeyGroupOutOfRangeError when `keyGroupOf(key)` lies outside `keyGroupRange`; keys equal by value
 * (fresh tuple or object instances) are the same key; `dispose` frees it.
 */
export interface KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  setCurrentKey(key: unknown): void;
  getCurrentKey(): unknown;
  /** Raw value of `descriptor` under the current key and namespace (undefined when empty). */
  get(descriptor: StateDescriptor, namespace?: string): unknown;
  put(descriptor: StateDescriptor, value: unknown, namespace?: string): void;
  clear(descriptor: StateDescriptor, namespace?: string): void;
  /** Keys that hold a value of `descriptor` in `namespace` (Flink's getKeys), e.g. to emit final results. */
  getKeys(descriptor: StateDescriptor, namespace?: string): unknown[];
  /** Number of entries held (for metrics and tests). */
  numEntries(): number;
  /** Key groups that hold at least one entry, ascending (snapshots). */
  nonEmptyKeyGroups(): number[];
  /**
   * Every entry of one key group of the range as it is now (a live view: values may be the backend's
   * live objects; snapshots use `snapshot` instead). A restore writes entries back with setCurrentKey
   * and put (namespace as given here).
   */
  entriesOfKeyGroup(keyGroup: number): Iterable<StateEntry>;
  /**
   * The synchronous part of a snapshot (Flink's SnapshotStrategy.syncPrepareResources), run in the
   * mailbox turn that holds the barrier: it fixes the state as it is now (a version of the heap
   * tables, an LMDB read transaction) and must be short, never proportional to the state's size. The
   * asynchronous part reads the result while processing goes on; state changed meanwhile does not
   * show in it. Several snapshots may be open at once (max-concurrent-checkpoints > 1); each is
   * released exactly once by its taker, also when the checkpoint is aborted or fails.
   *
   * `changesSince` (incremental checkpoints): the id of an earlier snapshot of this backend whose
   * checkpoint completed; a backend that tracks changes then returns only what changed since that
   * snapshot (`incremental` true), any other backend (or one that no longer knows that snapshot)
   * returns the full state.
   */
  snapshot(checkpointId: number, changesSince?: number): KeyedStateSnapshotResources;
  /**
   * CheckpointListener, optional: checkpoint `checkpointId` completed (every earlier snapshot of this
   * backend is then superseded as a base for changes) or was aborted. Incremental backends keep
   * their per-snapshot bookkeeping bounded with these.
   */
  notifyCheckpointComplete?(checkpointId: number): void;
  notifyCheckpointAborted?(checkpointId: number): void;
  dispose(): void;
}

/**
 * What the asynchronous part of a keyed snapshot reads (Flink's SnapshotResources). Contract: used on
 * the task's mailbox thread, in turns between which the backend keeps processing records;
 * `entriesOfKeyGroup` is called for key groups in ascending order, each at most once, and the caller
 * serialises the values it yields before it gives the thread back (a value may be the live object,
 * which may change once the group is read); `release` frees what the snapshot holds and is idempotent.
 * Reading after `release`, or after the backend was disposed, fails.
 */
export interface KeyedStateSnapshotResources {
  /**
   * True: the entries are the changes since the snapshot `changesSince` named: entries written since
   * (their value as of this snapshot) and removed ones (value undefined). False or absent: the full state.
   */
  readonly incremental?: boolean;
  /** Key groups that held at least one entry (incremental: may hold changes) when the snapshot was taken, ascending. */
  keyGroups(): Iterable<number>;
  /** Every entry of one key group as it was when the snapshot was taken (incremental: every changed one). */
  entriesOfKeyGroup(keyGroup: number): Iterable<StateEntry>;
  /**
   * Optional, the same entries handed to `visitor` as they are read, state by state, without an
   * object per entry: snapshots of large state write them straight into the file's bytes. Called
   * instead of `entriesOfKeyGroup` for a group, under the same contract (ascending groups, each once;
   * the visitor serialises each value when it gets it).
   */
  visitKeyGroup?(keyGroup: number, visitor: KeyGroupVisitor): void;
  release(): void;
}

/** Receives one key group's entries, state by state (KeyedStateSnapshotResources.visitKeyGroup). */
export interface KeyGroupVisitor {
  /** The entries that follow, up to the next call, are of state `stateName`; each state once per group. */
  state(stateName: string): void;
  /** One entry; a value undefined marks a removed one (incremental snapshots only). */
  entry(key: unknown, namespace: string | undefined, value: unknown): void;
}

/** One entry of a keyed state backend: the value of state `stateName` under `key` and `namespace`. */
export interface StateEntry {
  readonly key: unknown;
  readonly stateName: string;
  readonly namespace: string | undefined;
  readonly value: unknown;
}

export interface KeyedStateBackendParameters {
  readonly jobId: string;
  readonly operatorId: string;
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  /** Maps a key to its key group (murmur3 of the key's hash modulo max parallelism). */
  readonly keyGroupOf: (key: unknown) => number;
}

/**
 * Where working state lives (`state.backend.type`: hashmap, lmdb). Separate from CheckpointStorage,
 * which decides where snapshots go. Contract: created once per TaskManager slot; creates one keyed
 * backend per keyed operator subtask.
 */
export interface StateBackend {
  readonly name: string;
  createKeyedStateBackend(params: KeyedStateBackendParameters): KeyedStateBackend;
}

export interface StateBackendFactory {
  /** Config name (`state.backend.type`). */
  readonly name: string;
  create(config: Configuration): StateBackend;
}
export const StateBackendFactory = Symbol.for('flott.StateBackendFactory');
