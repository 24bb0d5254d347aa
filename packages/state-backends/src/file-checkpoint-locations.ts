import { randomBytes } from 'crypto';
import { dirname, join } from 'path';
import { pathToFileURL } from 'url';
import { assert, ConfigurationError, FlottError, type Configuration } from '@flott/core';
import { CheckpointDataNotFoundError, StateOptions } from '@flott/runtime';
import type { CheckpointedStateScope, CheckpointLocation, StateBytes, StreamStateHandle } from '@flott/runtime/spi';
import {
  createDirectory,
  hasEntries,
  isErrno,
  readMetadataFile,
  readStateFile,
  removeDirectory,
  removeFile,
  writeFileAtomically,
} from './checkpoint-files';
import {
  checkpointDirectory,
  directoryOption,
  jobDirectory,
  METADATA_FILE_NAME,
  parseFileLocation,
  safeFileName,
  savepointDirectoryName,
  SHARED_STATE_DIRECTORY,
  TASK_OWNED_STATE_DIRECTORY,
} from './checkpoint-paths';

/** A checkpoint directory that already holds files: its id was used before under this job's directory. */
export class CheckpointLocationInUseError extends FlottError {
  constructor(directory: string) {
    super(
      'CHECKPOINT_LOCATION_IN_USE',
      `Checkpoint directory '${directory}' already holds files: a checkpoint with this id was taken before under this job id ` +
        `(a job restarted with a fixed job id and a fresh checkpoint counter?). Its files are left alone; move them away or ` +
        `choose another ${StateOptions.CHECKPOINTS_DIRECTORY.key}.`,
      { directory },
    );
  }
}

export interface FileCheckpointLocationsOptions {
  readonly jobId: string;
  /** Absolute path of `execution.checkpointing.dir`, when set. */
  readonly checkpointsDirectory: string | undefined;
  /** Absolute path of `execution.checkpointing.savepoint-dir`, when set. */
  readonly savepointDirectory: string | undefined;
  /** `bytes` random bytes as hex (savepoint and temporary file names). */
  readonly randomHex: (bytes: number) => string;
}

/** Random bytes as hex, from the process's crypto source (names only need to be unique, not reproducible). */
export function cryptoRandomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** How often a savepoint directory name is drawn again when the drawn one exists (bounded retries). */
const SAVEPOINT_NAME_ATTEMPTS = 5;

/**
 * The directory side of a checkpoint storage (Flink's AbstractFsCheckpointStorageAccess): checkpoint and
 * savepoint locations as directories, state files and `_metadata` written atomically into them, reads
 * of what a handle or a user's pointer names, and discarding. Both the filesystem and the jobmanager
 * storage use it; they differ in where state goes and where checkpoints go without a directory.
 */
export class FileCheckpointLocations {
  constructor(private readonly options: FileCheckpointLocationsOptions) {}

  get hasCheckpointsDirectory(): boolean {
    return this.options.checkpointsDirectory !== undefined;
  }

  /** `<dir>/<job id>/chk-<id>/`, created with the job's `shared/` and `taskowned/` beside it. */
  async initializeCheckpointLocation(checkpointId: number): Promise<CheckpointLocation> {
    const base = this.options.checkpointsDirectory;
    assert(base !== undefined, 'a checkpoint location in a directory needs execution.checkpointing.dir');
    assert(Number.isSafeInteger(checkpointId) && checkpointId >= 0, `invalid checkpoint id ${checkpointId}`);
    const jobDir = jobDirectory(base, this.options.jobId);
    await Promise.all([
      createDirectory(join(jobDir, SHARED_STATE_DIRECTORY)),
      createDirectory(join(jobDir, TASK_OWNED_STATE_DIRECTORY)),
    ]);
    const directory = checkpointDirectory(base, this.options.jobId, checkpointId);
    // Writing into a directory that holds a completed checkpoint would overwrite its state files.
    if (await hasEntries(directory)) throw new CheckpointLocationInUseError(directory);
    await createDirectory(directory);
    return { checkpointId, pointer: directory };
  }

  /** `<target or savepoint dir>/savepoint-<job id prefix>-<random>/`, a fresh directory. */
  async initializeSavepointLocation(checkpointId: number, targetDirectory: string | undefined): Promise<CheckpointLocation> {
    const base = targetDirectory !== undefined ? directoryOption(targetDirectory, 'the savepoint target directory') : this.options.savepointDirectory;
    if (base === undefined) {
      throw new ConfigurationError(
        `No savepoint directory: give a target directory with the savepoint, or set '${StateOptions.SAVEPOINT_DIRECTORY.key}'`,
        { key: StateOptions.SAVEPOINT_DIRECTORY.key },
      );
    }
    await createDirectory(base);
    for (let attempt = 1; ; attempt++) {
      const directory = join(base, savepointDirectoryName(this.options.jobId, this.options.randomHex(6)));
      try {
        await createDirectory(directory, true);
        return { checkpointId, pointer: directory };
      } catch (e) {
        if (!isErrno(e, 'EEXIST') || attempt >= SAVEPOINT_NAME_ATTEMPTS) throw e;
      }
    }
  }

  /**
   * Writes one state file into a directory location, or for SHARED scope into the job's `shared/`
   * directory (a savepoint's location has none: its state stays in it); the handle names the file by a
   * file:// URI.
   */
  async writeStateFile(location: CheckpointLocation, name: string, data: StateBytes, scope: CheckpointedStateScope = 'EXCLUSIVE'): Promise<StreamStateHandle> {
    const directory = (scope === 'SHARED' && this.sharedDirectoryOf(location)) || this.directoryOf(location);
    const { path, size } = await writeFileAtomically(directory, safeFileName(name), data, this.options.randomHex);
    return { kind: 'file', uri: pathToFileURL(path).href, size };
  }

  /** Deletes the file a handle names (shared state no retained checkpoint references); inline handles own no file. */
  async discardState(handle: StreamStateHandle): Promise<void> {
    if (handle.kind === 'inline') return;
    const parsed = parseFileLocation(handle.uri);
    if ('problem' in parsed) throw new CheckpointDataNotFoundError(handle.uri, `cannot delete this state handle: ${parsed.problem}`);
    await removeFile(parsed.path);
  }

  /** Writes `<location>/_metadata` atomically; the location's directory is the external pointer. */
  async writeMetadata(location: CheckpointLocation, data: Uint8Array): Promise<string> {
    const directory = this.directoryOf(location);
    await writeFileAtomically(directory, METADATA_FILE_NAME, data, this.options.randomHex);
    return directory;
  }

  readMetadata(pointer: string): Promise<Uint8Array> {
    return readMetadataFile(pointer);
  }

  async readState(handle: StreamStateHandle): Promise<Uint8Array> {
    return handle.kind === 'inline' ? handle.data : readStateFile(handle.uri, handle.size);
  }

  discard(location: CheckpointLocation): Promise<void> {
    return removeDirectory(this.directoryOf(location));
  }

  /** `<dir>/<job id>/shared/` when `location` is one of this job's checkpoint directories. */
  private sharedDirectoryOf(location: CheckpointLocation): string | undefined {
    const base = this.options.checkpointsDirectory;
    if (base === undefined) return undefined;
    const jobDir = jobDirectory(base, this.options.jobId);
    return dirname(this.directoryOf(location)) === jobDir ? join(jobDir, SHARED_STATE_DIRECTORY) : undefined;
  }

  private directoryOf(location: CheckpointLocation): string {
    const parsed = parseFileLocation(location.pointer);
    assert(!('problem' in parsed), `checkpoint location '${location.pointer}' is not a directory of this storage`);
    return (parsed as { path: string }).path;
  }
}

/** The directories a storage reads from its configuration, as absolute paths. */
export function configuredDirectories(config: Configuration): {
  checkpointsDirectory: string | undefined;
  savepointDirectory: string | undefined;
} {
  const checkpoints = config.get(StateOptions.CHECKPOINTS_DIRECTORY);
  const savepoints = config.get(StateOptions.SAVEPOINT_DIRECTORY);
  return {
    checkpointsDirectory: checkpoints === undefined ? undefined : directoryOption(checkpoints, StateOptions.CHECKPOINTS_DIRECTORY.key),
    savepointDirectory: savepoints === undefined ? undefined : directoryOption(savepoints, StateOptions.SAVEPOINT_DIRECTORY.key),
  };
}
