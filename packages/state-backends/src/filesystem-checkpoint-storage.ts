import { ConfigurationError, type Configuration } from '@flott/core';
import { StateOptions } from '@flott/runtime/common';
import type {
  CheckpointLocation,
  CheckpointStorage,
  CheckpointStorageAccess,
  CheckpointStorageFactory,
  StateBytes,
  CheckpointFileSystemFactory,
  StateWriteOptions,
  StreamStateHandle,
} from '@flott/runtime/spi';
import { concatChunks, copyOfBytes } from '@flott/runtime/spi';
import { CheckpointFileSystems } from './checkpoint-file-systems';
import { cryptoRandomHex } from './checkpoint-paths';
import { configuredDirectories, FileCheckpointLocations } from './file-checkpoint-locations';

/** Flink's upper bound of `execution.checkpointing.file-state-size-threshold`: inline state lives in the metadata. */
const MAX_FILE_STATE_SIZE_THRESHOLD = 1024 * 1024;

export interface FileSystemCheckpointStorageOptions {
  /** `execution.checkpointing.dir`: an absolute path or a URI of a scheme `fileSystems` serves. */
  readonly checkpointsDirectory: string;
  readonly savepointDirectory?: string;
  /** The file systems by scheme; the local one alone when not given. */
  readonly fileSystems?: CheckpointFileSystems;
  /** State smaller than this many bytes goes inline into the metadata instead of a file. */
  readonly fileStateSizeThreshold: number;
  /** Random bytes as hex for savepoint and temporary file names; crypto by default. */
  readonly randomHex?: (bytes: number) => string;
}

/**
 * Writes each piece of state as a file of the checkpoint's directory (or, below the size threshold,
 * inline into the handle, so it ends up in the metadata as Flink's FsCheckpointStorageAccess does),
 * and the metadata as `_metadata`, written last and atomically. One instance per job and process: the
 * JobManager's for locations and metadata, each slot thread's for its state; they share nothing but
 * the directory, so every TaskManager and the JobManager must reach the same file system there (a shared
 * mount, or an object store such as s3:// through its file system plugin).
 */
export class FileSystemCheckpointStorageAccess implements CheckpointStorageAccess {
  private readonly files: FileCheckpointLocations;

  constructor(
    readonly jobId: string,
    private readonly options: FileSystemCheckpointStorageOptions,
  ) {
    this.files = new FileCheckpointLocations({
      jobId,
      fileSystems: options.fileSystems ?? new CheckpointFileSystems(),
      checkpointsDirectory: options.checkpointsDirectory,
      savepointDirectory: options.savepointDirectory,
      randomHex: options.randomHex ?? cryptoRandomHex,
    });
  }

  initializeLocation(checkpointId: number): Promise<CheckpointLocation> {
    return this.files.initializeCheckpointLocation(checkpointId);
  }

  initializeSavepointLocation(checkpointId: number, targetDirectory?: string): Promise<CheckpointLocation> {
    return this.files.initializeSavepointLocation(checkpointId, targetDirectory);
  }

  async writeState(location: CheckpointLocation, name: string, data: StateBytes, options?: StateWriteOptions): Promise<StreamStateHandle> {
    const small = await belowThreshold(data, this.options.fileStateSizeThreshold);
    if (small.inline) return { kind: 'inline', data: small.inline };
    return this.files.writeStateFile(location, name, small.data, options?.scope);
  }

  discardState(handle: StreamStateHandle): Promise<void> {
    return this.files.discardState(handle);
  }

  readState(handle: StreamStateHandle): Promise<Uint8Array> {
    return this.files.readState(handle);
  }

  writeMetadata(location: CheckpointLocation, data: Uint8Array): Promise<string> {
    return this.files.writeMetadata(location, data);
  }

  readMetadata(pointer: string): Promise<Uint8Array> {
    return this.files.readMetadata(pointer);
  }

  directoryUri(pointer: string): Promise<string | undefined> {
    return this.files.directoryUri(pointer);
  }

  discard(location: CheckpointLocation): Promise<void> {
    return this.files.discard(location);
  }
}

/**
 * `data` as one copied array when it is smaller than `threshold` bytes; otherwise the same bytes again as
 * chunks (the ones read to find out, then the rest), so a large stream is never held whole. Chunks read
 * ahead are copied (the producer may reuse its array once asked for the next), except the one that
 * reaches the threshold: it is passed on before the next is asked for.
 */
async function belowThreshold(data: StateBytes, threshold: number): Promise<{ readonly inline: Uint8Array } | { readonly inline?: undefined; readonly data: StateBytes }> {
  if (data instanceof Uint8Array) return data.byteLength < threshold ? { inline: copyOfBytes(data) } : { data };
  const iterator = data[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { inline: concatChunks(head, size) };
    size += next.value.byteLength;
    if (size >= threshold) {
      head.push(next.value);
      break;
    }
    head.push(copyOfBytes(next.value));
  }
  async function* replay(): AsyncIterable<Uint8Array> {
    yield* head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { data: replay() };
}

/** `filesystem`: checkpoints as files under `execution.checkpointing.dir` (Flink's FileSystemCheckpointStorage). */
export class FileSystemCheckpointStorage implements CheckpointStorage {
  readonly name = 'filesystem';

  readonly options: FileSystemCheckpointStorageOptions;

  constructor(options: FileSystemCheckpointStorageOptions) {
    // One set of file systems (and so one S3 client) for all the storage's accesses.
    this.options = { ...options, fileSystems: options.fileSystems ?? new CheckpointFileSystems() };
  }

  createCheckpointStorageAccess(jobId: string): CheckpointStorageAccess {
    return new FileSystemCheckpointStorageAccess(jobId, this.options);
  }
}

/** `filesystem`, over the file systems plugin modules bind (the local one when none are given). */
export class FileSystemCheckpointStorageFactory implements CheckpointStorageFactory {
  readonly name = 'filesystem';

  constructor(private readonly fileSystemFactories?: readonly CheckpointFileSystemFactory[]) {}

  create(config: Configuration): CheckpointStorage {
    const fileSystems = new CheckpointFileSystems(this.fileSystemFactories, config);
    const { checkpointsDirectory, savepointDirectory } = configuredDirectories(config, fileSystems);
    if (checkpointsDirectory === undefined) {
      const key = StateOptions.CHECKPOINTS_DIRECTORY.key;
      throw new ConfigurationError(
        `The filesystem checkpoint storage needs a directory: set '${key}' to an absolute path or a URI (${fileSystems.schemes.map((s) => `${s}://`).join(', ')}) that the JobManager and every TaskManager can reach`,
        { key },
      );
    }
    const fileStateSizeThreshold = config.get(StateOptions.FILE_STATE_SIZE_THRESHOLD);
    if (fileStateSizeThreshold > MAX_FILE_STATE_SIZE_THRESHOLD) {
      const key = StateOptions.FILE_STATE_SIZE_THRESHOLD.key;
      throw new ConfigurationError(
        `Invalid value ${fileStateSizeThreshold} bytes for '${key}': at most 1 mb (inline state lives in the checkpoint metadata)`,
        { key, value: fileStateSizeThreshold },
      );
    }
    return new FileSystemCheckpointStorage({ checkpointsDirectory, savepointDirectory, fileStateSizeThreshold, fileSystems });
  }
}
