import { FlottError, assert, type Configuration } from '@flott/core';
import { CheckpointDataNotFoundError, StateOptions } from '@flott/runtime/common';
import type {
  CheckpointLocation,
  CheckpointStorage,
  CheckpointStorageAccess,
  CheckpointStorageFactory,
  CheckpointFileSystemFactory,
  StateBytes,
  StreamStateHandle,
} from '@flott/runtime/spi';
import { collectStateBytes, copyOfBytes } from '@flott/runtime/spi';
import { CheckpointFileSystems } from './checkpoint-file-systems';
import { cryptoRandomHex } from './checkpoint-paths';
import { configuredDirectories, FileCheckpointLocations } from './file-checkpoint-locations';

const MEMORY_SCHEME = 'jobmanager://';

/** One piece of state too large to travel inline to the JobManager. */
export class MaxStateSizeExceededError extends FlottError {
  constructor(name: string, size: number, maxSize: number) {
    super(
      'MAX_STATE_SIZE_EXCEEDED',
      `State '${name}' is ${size} bytes, larger than the ${maxSize} bytes the jobmanager checkpoint storage accepts ` +
        `(${StateOptions.JOBMANAGER_STORAGE_MAX_STATE_SIZE.key}). Use a different checkpoint storage, such as 'filesystem' ` +
        `(${StateOptions.CHECKPOINT_STORAGE.key}), or raise the limit.`,
      { name, size, maxSize },
    );
  }
}

export interface JobManagerCheckpointStorageOptions {
  /** Largest piece of state accepted inline (`execution.checkpointing.jobmanager.max-state-size`). */
  readonly maxStateSize: number;
  /** When set, checkpoint metadata is written to `<dir>/<job id>/chk-<n>/_metadata` instead of kept in memory. */
  readonly checkpointsDirectory?: string;
  readonly savepointDirectory?: string;
  /** The file systems by scheme; the local one alone when not given. */
  readonly fileSystems?: CheckpointFileSystems;
  readonly randomHex?: (bytes: number) => string;
}

/**
 * State travels inline in its handle: with the task's acknowledgement to the JobManager, into the
 * checkpoint's metadata, and back to the tasks on restore, so no shared file system is needed
 * (Flink's JobManagerCheckpointStorage). Without `execution.checkpointing.dir` the metadata stays in
 * the JobManager's memory under a `jobmanager://<job>/chk-<n>` pointer (gone when the process ends);
 * with it, it is written to that directory and a restart can restore from it. Savepoints always go
 * to a directory. Each piece of state is bounded by `maxStateSize`, which keeps the JobManager's heap safe.
 */
export class JobManagerCheckpointStorageAccess implements CheckpointStorageAccess {
  private readonly files: FileCheckpointLocations;

  constructor(
    readonly jobId: string,
    private readonly options: JobManagerCheckpointStorageOptions,
    /** Metadata of in-memory checkpoints by pointer, shared by the storage's accesses. */
    private readonly memory: Map<string, Uint8Array>,
  ) {
    this.files = new FileCheckpointLocations({
      jobId,
      fileSystems: options.fileSystems ?? new CheckpointFileSystems(),
      checkpointsDirectory: options.checkpointsDirectory,
      savepointDirectory: options.savepointDirectory,
      randomHex: options.randomHex ?? cryptoRandomHex,
    });
  }

  async initializeLocation(checkpointId: number): Promise<CheckpointLocation> {
    if (this.files.hasCheckpointsDirectory) return this.files.initializeCheckpointLocation(checkpointId);
    assert(Number.isSafeInteger(checkpointId) && checkpointId >= 0, `invalid checkpoint id ${checkpointId}`);
    return { checkpointId, pointer: `${MEMORY_SCHEME}${encodeURIComponent(this.jobId)}/chk-${checkpointId}` };
  }

  initializeSavepointLocation(checkpointId: number, targetDirectory?: string): Promise<CheckpointLocation> {
    return this.files.initializeSavepointLocation(checkpointId, targetDirectory);
  }

  async writeState(_location: CheckpointLocation, name: string, data: StateBytes): Promise<StreamStateHandle> {
    const { maxStateSize } = this.options;
    return { kind: 'inline', data: await collectStateBytes(data, maxStateSize, (size) => new MaxStateSizeExceededError(name, size, maxStateSize)) };
  }

  /** State of this storage is inline (it goes with the metadata that holds it); file handles come from restored savepoints, which are not ours to delete. */
  async discardState(): Promise<void> {}

  readState(handle: StreamStateHandle): Promise<Uint8Array> {
    // File handles too: a savepoint taken with the filesystem storage restores under this one.
    return this.files.readState(handle);
  }

  async writeMetadata(location: CheckpointLocation, data: Uint8Array): Promise<string> {
    if (!location.pointer.startsWith(MEMORY_SCHEME)) return this.files.writeMetadata(location, data);
    this.memory.set(location.pointer, copyOfBytes(data));
    return location.pointer;
  }

  /** In-memory checkpoints are no directory; savepoints and checkpoints with a directory are the file locations'. */
  async directoryUri(pointer: string): Promise<string | undefined> {
    return pointer.startsWith(MEMORY_SCHEME) ? undefined : this.files.directoryUri(pointer);
  }

  async readMetadata(pointer: string): Promise<Uint8Array> {
    if (!pointer.startsWith(MEMORY_SCHEME)) return this.files.readMetadata(pointer);
    const data = this.memory.get(pointer);
    if (data === undefined) {
      throw new CheckpointDataNotFoundError(pointer,
        'no such completed checkpoint in this JobManager\'s memory (it did not complete, was discarded, or was taken by another ' +
        `JobManager process; set ${StateOptions.CHECKPOINTS_DIRECTORY.key} to keep checkpoint metadata on disk)`);
    }
    return data;
  }

  async discard(location: CheckpointLocation): Promise<void> {
    if (!location.pointer.startsWith(MEMORY_SCHEME)) return this.files.discard(location);
    this.memory.delete(location.pointer);
  }
}

/** `jobmanager`: checkpoint state inline, metadata in the JobManager's memory or its checkpoint directory. */
export class JobManagerCheckpointStorage implements CheckpointStorage {
  readonly name = 'jobmanager';
  private readonly memory = new Map<string, Uint8Array>();
  readonly options: JobManagerCheckpointStorageOptions;

  constructor(options: JobManagerCheckpointStorageOptions) {
    this.options = { ...options, fileSystems: options.fileSystems ?? new CheckpointFileSystems() };
  }

  get maxStateSize(): number {
    return this.options.maxStateSize;
  }

  createCheckpointStorageAccess(jobId: string): CheckpointStorageAccess {
    return new JobManagerCheckpointStorageAccess(jobId, this.options, this.memory);
  }
}

export class JobManagerCheckpointStorageFactory implements CheckpointStorageFactory {
  readonly name = 'jobmanager';

  /** `fileSystemFactories`: the schemes of metadata and savepoint directories (the local one when not given). */
  constructor(private readonly fileSystemFactories?: readonly CheckpointFileSystemFactory[]) {}

  create(config: Configuration): CheckpointStorage {
    const fileSystems = new CheckpointFileSystems(this.fileSystemFactories, config);
    return new JobManagerCheckpointStorage({
      maxStateSize: config.get(StateOptions.JOBMANAGER_STORAGE_MAX_STATE_SIZE),
      ...configuredDirectories(config, fileSystems),
      fileSystems,
    });
  }
}
