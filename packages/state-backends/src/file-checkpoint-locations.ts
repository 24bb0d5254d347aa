import { assert, ConfigurationError, FlottError, type Configuration } from '@flott/core';
import { CheckpointDataNotFoundError, StateOptions } from '@flott/runtime/common';
import type { CheckpointedStateScope, CheckpointLocation, StateBytes, StreamStateHandle } from '@flott/runtime/spi';
import { CheckpointFileSystems, type ResolvedCheckpointPath } from './checkpoint-file-systems';
import {
  METADATA_FILE_NAME,
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
  /** The file systems by scheme, with the configuration they are created from. */
  readonly fileSystems: CheckpointFileSystems;
  /** `execution.checkpointing.dir` as given (a path or URI), when set. */
  readonly checkpointsDirectory: string | undefined;
  /** `execution.checkpointing.savepoint-dir` as given, when set. */
  readonly savepointDirectory: string | undefined;
  /** `bytes` random bytes as hex (savepoint names). */
  readonly randomHex: (bytes: number) => string;
}

/** How often a savepoint directory name is drawn again when the drawn one exists (bounded retries). */
const SAVEPOINT_NAME_ATTEMPTS = 5;

/**
 * The directory side of a checkpoint storage (Flink's AbstractFsCheckpointStorageAccess): checkpoint and
 * savepoint locations as directories of a CheckpointFileSystem (local, or an object store's prefixes),
 * state files and `_metadata` written atomically into them, reads of what a handle or a user's pointer
 * names, and discarding. Both the filesystem and the jobmanager storage use it; they differ in where
 * state goes and where checkpoints go without a directory. A location's pointer is its directory's
 * canonical path (an absolute path, an s3:// URI); handles record the file's URI.
 */
export class FileCheckpointLocations {
  private readonly checkpoints: ResolvedCheckpointPath | undefined;
  private readonly savepoints: ResolvedCheckpointPath | undefined;

  constructor(private readonly options: FileCheckpointLocationsOptions) {
    const { fileSystems, checkpointsDirectory, savepointDirectory } = options;
    this.checkpoints = checkpointsDirectory === undefined ? undefined : fileSystems.directoryOption(checkpointsDirectory, StateOptions.CHECKPOINTS_DIRECTORY.key);
    this.savepoints = savepointDirectory === undefined ? undefined : fileSystems.directoryOption(savepointDirectory, StateOptions.SAVEPOINT_DIRECTORY.key);
  }

  get hasCheckpointsDirectory(): boolean {
    return this.checkpoints !== undefined;
  }

  /** `<dir>/<job id>/chk-<id>/`, created with the job's `shared/` and `taskowned/` beside it. */
  async initializeCheckpointLocation(checkpointId: number): Promise<CheckpointLocation> {
    assert(this.checkpoints !== undefined, 'a checkpoint location in a directory needs execution.checkpointing.dir');
    assert(Number.isSafeInteger(checkpointId) && checkpointId >= 0, `invalid checkpoint id ${checkpointId}`);
    const { fs } = this.checkpoints;
    const jobDir = this.jobDirectory();
    await Promise.all([
      fs.createDirectory(fs.child(jobDir, SHARED_STATE_DIRECTORY)),
      fs.createDirectory(fs.child(jobDir, TASK_OWNED_STATE_DIRECTORY)),
    ]);
    const directory = fs.child(jobDir, `chk-${checkpointId}`);
    // Writing into a directory that holds a completed checkpoint would overwrite its state files.
    if (await fs.hasEntries(directory)) throw new CheckpointLocationInUseError(directory);
    await fs.createDirectory(directory);
    return { checkpointId, pointer: directory };
  }

  /** `<target or savepoint dir>/savepoint-<job id prefix>-<random>/`, a fresh directory. */
  async initializeSavepointLocation(checkpointId: number, targetDirectory: string | undefined): Promise<CheckpointLocation> {
    const base = targetDirectory !== undefined ? this.options.fileSystems.directoryOption(targetDirectory, 'the savepoint target directory') : this.savepoints;
    if (base === undefined) {
      throw new ConfigurationError(
        `No savepoint directory: give a target directory with the savepoint, or set '${StateOptions.SAVEPOINT_DIRECTORY.key}'`,
        { key: StateOptions.SAVEPOINT_DIRECTORY.key },
      );
    }
    await base.fs.createDirectory(base.path);
    for (let attempt = 1; attempt <= SAVEPOINT_NAME_ATTEMPTS; attempt++) {
      const directory = base.fs.child(base.path, savepointDirectoryName(this.options.jobId, this.options.randomHex(6)));
      if (await base.fs.createDirectory(directory, { exclusive: true })) return { checkpointId, pointer: directory };
    }
    throw new FlottError(
      'SAVEPOINT_DIRECTORY_EXISTS',
      `No fresh savepoint directory under '${base.path}': ${SAVEPOINT_NAME_ATTEMPTS} random names drawn were all taken already`,
      { directory: base.path },
    );
  }

  /**
   * Writes one state file into a directory location, or for SHARED scope into the job's `shared/`
   * directory (a savepoint's location has none: its state stays in it); the handle names the file by
   * its URI (file://, s3://).
   */
  async writeStateFile(location: CheckpointLocation, name: string, data: StateBytes, scope: CheckpointedStateScope = 'EXCLUSIVE'): Promise<StreamStateHandle> {
    const { fs, path } = this.directoryOf(location);
    const directory = (scope === 'SHARED' && this.sharedDirectoryOf(location)) || path;
    const file = fs.child(directory, safeFileName(name));
    const size = await fs.writeFile(file, data);
    return { kind: 'file', uri: fs.toUri(file), size };
  }

  /** Deletes the file a handle names (shared state no retained checkpoint references); inline handles own no file. */
  async discardState(handle: StreamStateHandle): Promise<void> {
    if (handle.kind === 'inline') return;
    const resolved = this.options.fileSystems.resolve(handle.uri);
    if ('problem' in resolved) throw new CheckpointDataNotFoundError(handle.uri, `cannot delete this state handle: ${resolved.problem}`);
    await resolved.fs.deleteFile(resolved.path);
  }

  /** Writes `<location>/_metadata` atomically; the location's directory is the external pointer. */
  async writeMetadata(location: CheckpointLocation, data: Uint8Array): Promise<string> {
    const { fs, path } = this.directoryOf(location);
    await fs.writeFile(fs.child(path, METADATA_FILE_NAME), data);
    return path;
  }

  /**
   * The bytes of the `_metadata` a user's pointer names: a checkpoint or savepoint directory (a path or
   * URI of any known scheme) or its `_metadata` file. A missing one is a CheckpointDataNotFoundError naming it.
   */
  async readMetadata(pointer: string): Promise<Uint8Array> {
    const { fs, file } = await this.metadataFileOf(pointer);
    const data = await fs.readFile(file);
    if (data === undefined) {
      throw new CheckpointDataNotFoundError(file,
        `the directory has no ${METADATA_FILE_NAME}: the checkpoint did not complete, was discarded, or this is not a checkpoint or savepoint directory`);
    }
    return data;
  }

  /**
   * The URI of the directory a pointer names (a user's: the directory or its `_metadata` file; or a
   * savepoint location's, before anything is in it), as the handles of the files in it have it
   * (`fs.toUri`): a savepoint's own files are named relative to it. A pointer that names no existing
   * file is taken for a directory: on an object store a location with nothing written yet does not exist.
   */
  async directoryUri(pointer: string): Promise<string> {
    const { fs, path } = this.resolvePointer(pointer);
    return fs.toUri((await fs.statPath(path)) === 'file' ? fs.parent(path) : path);
  }

  /** The metadata file a user's pointer names: the pointer's `_metadata`, or the file it names. */
  private async metadataFileOf(pointer: string): Promise<{ fs: ResolvedCheckpointPath['fs']; file: string }> {
    const { fs, path } = this.resolvePointer(pointer);
    const kind = await fs.statPath(path);
    if (kind === undefined) {
      // On an object store a location that holds no file yet does not exist at all (jobmanager storage: metadata only).
      throw new CheckpointDataNotFoundError(path,
        'no such checkpoint or savepoint directory or metadata file: the path is wrong, or the checkpoint did not complete or was discarded');
    }
    return { fs, file: kind === 'directory' ? fs.child(path, METADATA_FILE_NAME) : path };
  }

  private resolvePointer(pointer: string): ResolvedCheckpointPath {
    const resolved = this.options.fileSystems.resolve(pointer);
    if ('problem' in resolved) {
      throw new CheckpointDataNotFoundError(pointer, `not a checkpoint or savepoint path: ${resolved.problem} (give the directory or its ${METADATA_FILE_NAME} file)`);
    }
    return resolved;
  }

  /** The bytes of the state a handle holds or names: exactly its size, or a typed error naming the file. */
  async readState(handle: StreamStateHandle): Promise<Uint8Array> {
    if (handle.kind === 'inline') return handle.data;
    const resolved = this.options.fileSystems.resolve(handle.uri);
    if ('problem' in resolved) throw new CheckpointDataNotFoundError(handle.uri, `cannot read this state handle: ${resolved.problem}`);
    const data = await resolved.fs.readFile(resolved.path, handle.size);
    if (data === undefined) throw new CheckpointDataNotFoundError(resolved.path, 'the state file does not exist (the checkpoint was discarded or moved)');
    return data;
  }

  discard(location: CheckpointLocation): Promise<void> {
    const { fs, path } = this.directoryOf(location);
    return fs.deleteDirectory(path);
  }

  private jobDirectory(): string {
    assert(this.checkpoints !== undefined, 'no checkpoints directory');
    return this.checkpoints.fs.child(this.checkpoints.path, safeFileName(this.options.jobId));
  }

  /** `<dir>/<job id>/shared/` when `location` is one of this job's checkpoint directories. */
  private sharedDirectoryOf(location: CheckpointLocation): string | undefined {
    if (this.checkpoints === undefined) return undefined;
    const { fs, path } = this.directoryOf(location);
    const jobDir = this.jobDirectory();
    return fs === this.checkpoints.fs && fs.parent(path) === jobDir ? fs.child(jobDir, SHARED_STATE_DIRECTORY) : undefined;
  }

  private directoryOf(location: CheckpointLocation): ResolvedCheckpointPath {
    const resolved = this.options.fileSystems.resolve(location.pointer);
    assert(!('problem' in resolved), `checkpoint location '${location.pointer}' is not a directory of this storage`);
    return resolved as ResolvedCheckpointPath;
  }
}

/**
 * The directories a storage reads from its configuration, as given; checked against `fileSystems` so
 * that a bad value or an unserved scheme fails when the storage is created, naming the key.
 */
export function configuredDirectories(config: Configuration, fileSystems: CheckpointFileSystems): {
  checkpointsDirectory: string | undefined;
  savepointDirectory: string | undefined;
} {
  const checkpointsDirectory = config.get(StateOptions.CHECKPOINTS_DIRECTORY);
  const savepointDirectory = config.get(StateOptions.SAVEPOINT_DIRECTORY);
  if (checkpointsDirectory !== undefined) fileSystems.directoryOption(checkpointsDirectory, StateOptions.CHECKPOINTS_DIRECTORY.key);
  if (savepointDirectory !== undefined) fileSystems.directoryOption(savepointDirectory, StateOptions.SAVEPOINT_DIRECTORY.key);
  return { checkpointsDirectory, savepointDirectory };
}
