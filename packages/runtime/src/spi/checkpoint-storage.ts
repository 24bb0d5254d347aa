import type { Configuration } from '@flott/core';
import type { StreamStateHandle } from '../snapshot/snapshot-data';

/** The bytes of one state file: all at once, or its chunks in order. */
export type StateBytes = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Flink's CheckpointedStateScope. EXCLUSIVE state belongs to one checkpoint and goes to its location
 * (deleted with it); SHARED state may be referenced by later checkpoints (incremental checkpoints) and
 * goes to the job's `shared/` directory, outliving the location it was written for. Savepoints are
 * self-contained: a storage writes SHARED state of a savepoint location as EXCLUSIVE.
 */
export type CheckpointedStateScope = 'EXCLUSIVE' | 'SHARED';

export interface StateWriteOptions {
  /** EXCLUSIVE when not given. */
  readonly scope?: CheckpointedStateScope;
}

/**
 * Where one checkpoint's (or savepoint's) files go: for the filesystem storage the directory
 * `<execution.checkpointing.dir>/<jobId>/chk-<id>/` (a savepoint: `<dir>/savepoint-<jobId prefix>-<random>/`),
 * as Flink lays them out.
 */
export interface CheckpointLocation {
  readonly checkpointId: number;
  /** Opaque pointer to the location (a path, an s3:// URI, or an in-memory name); also what users pass to `-s`. */
  readonly pointer: string;
}

/**
 * Access to the checkpoint storage of one job (`execution.checkpointing.storage`: jobmanager,
 * filesystem: local directories, or any scheme a CheckpointFileSystemFactory serves, such as s3://). Contract:
 * - The CheckpointCoordinator (JobManager event loop) calls `initializeLocation` (or
 *   `initializeSavepointLocation`) once before it triggers the checkpoint, `writeMetadata` once every
 *   task acknowledged, `discard` for aborted and subsumed checkpoints, and `readMetadata` on restore.
 * - Tasks (slot threads; each has its own instance for the same job) never initialise a location:
 *   the barrier carries its pointer, and they call `writeState` with `{ checkpointId, pointer }` during
 *   the asynchronous part of a snapshot and `readState` on restore; calls for different names may run
 *   concurrently.
 * - `writeState` and `writeMetadata` are durable when their promise resolves; later changes to the
 *   written array do not matter. `writeMetadata` is atomic (a temporary file renamed into place): a
 *   location without metadata is never a completed checkpoint.
 * - Reads of missing, truncated or corrupt data reject with a CheckpointDataNotFoundError or
 *   CorruptCheckpointError that names the file.
 * - Every upload and read is bounded (`execution.checkpointing.jobmanager.max-state-size` for inline
 *   state; the file storage's size limits).
 */
export interface CheckpointStorageAccess {
  initializeLocation(checkpointId: number): Promise<CheckpointLocation>;
  /** A savepoint's location under `targetDirectory` (or `execution.checkpointing.savepoint-dir` when undefined). */
  initializeSavepointLocation(checkpointId: number, targetDirectory?: string): Promise<CheckpointLocation>;
  /**
   * Stores one state file of a snapshot in `location`; `name` is unique within the location (and, for
   * SHARED scope, within the job). `data` is the whole file or its chunks in order (a backend streams
   * state larger than it wants to hold in memory; the storage may not keep all chunks either). A chunk
   * is the storage's until it asks for the next one (or stops asking): the writer reuses its array
   * then, so a storage that keeps bytes longer copies them (Buffer#slice is a view, not a copy).
   * Checkpoints may reference SHARED files of earlier checkpoints; they are deleted only by `discardState`.
   */
  writeState(location: CheckpointLocation, name: string, data: StateBytes, options?: StateWriteOptions): Promise<StreamStateHandle>;
  readState(handle: StreamStateHandle): Promise<Uint8Array>;
  /**
   * Deletes one state file written with SHARED scope (the coordinator's SharedStateRegistry calls it
   * when no retained checkpoint references the file any more). Inline handles and missing files are no-ops.
   */
  discardState(handle: StreamStateHandle): Promise<void>;
  /** Writes the location's `_metadata` last and atomically; resolves with the external pointer. */
  writeMetadata(location: CheckpointLocation, data: Uint8Array): Promise<string>;
  /**
   * A pointer a user gives (`flott run -s <path>`: a checkpoint or savepoint directory, or its `_metadata`
   * file) resolved to the metadata's bytes; rejects with CheckpointDataNotFoundError when there is none.
   */
  readMetadata(pointer: string): Promise<Uint8Array>;
  /**
   * The URI of the checkpoint or savepoint directory a pointer names (the directory, or its `_metadata`
   * file, as `readMetadata` takes it), in the form of the URIs in this storage's file handles: a file
   * directly in it has the URI `<directoryUri>/<name>`. Undefined for a pointer that is no directory
   * (the jobmanager storage's in-memory checkpoints). Savepoints name their own files relative to it,
   * so a savepoint directory can be moved or copied and restored from its new place (Flink's relocatable
   * savepoints). Optional: a storage without it writes every handle absolute, and cannot restore a
   * savepoint whose metadata names files relatively.
   */
  directoryUri?(pointer: string): Promise<string | undefined>;
  /** Deletes the location and everything in it (aborted or subsumed checkpoints). */
  discard(location: CheckpointLocation): Promise<void>;
}

export interface CheckpointStorage {
  readonly name: string;
  createCheckpointStorageAccess(jobId: string): CheckpointStorageAccess;
}

export interface CheckpointStorageFactory {
  /** Config name (`execution.checkpointing.storage`). */
  readonly name: string;
  create(config: Configuration): CheckpointStorage;
}
export const CheckpointStorageFactory = Symbol.for('flott.CheckpointStorageFactory');
