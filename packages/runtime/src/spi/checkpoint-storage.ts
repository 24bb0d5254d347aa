import type { Configuration } from '@flott/core';

/** Where a checkpoint's data went, as recorded in the completed checkpoint's metadata. */
export interface CheckpointLocation {
  readonly checkpointId: number;
  /** Opaque pointer (a path, an s3:// URI, or an in-memory handle name). */
  readonly pointer: string;
}

/**
 * Where snapshots go (`execution.checkpointing.storage`: jobmanager, filesystem, s3).
 * Contract: `initializeLocation` is called by the CheckpointCoordinator before barriers are injected;
 * `write`/`read` may be called from any task thread concurrently for different keys; writes are
 * durable when the promise resolves (later changes to the written array do not matter); reading
 * missing or corrupt data rejects with CheckpointDataNotFoundError.
 */
export interface CheckpointStorageAccess {
  initializeLocation(checkpointId: number): Promise<CheckpointLocation>;
  write(location: CheckpointLocation, name: string, data: Uint8Array): Promise<string>;
  read(handle: string): Promise<Uint8Array>;
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
