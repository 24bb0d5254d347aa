import type { Configuration } from '@flott/core';
import type { StateBytes } from './checkpoint-storage';

/** A path of a file system, or why a string is not one (shown to the user with the option or pointer it came from). */
export type ParsedCheckpointPath = { readonly path: string } | { readonly problem: string };

/**
 * The file system under the file-based checkpoint storages (Flink's FileSystem plugins): one scheme
 * (`file`, `s3`), paths in its own canonical form (an absolute path for `file`, `s3://bucket/key` for
 * `s3`), as `parsePath` returns them; every other method takes only such paths. Contract:
 * - `writeFile` creates a file from chunks atomically: until its promise resolves the file does not
 *   exist under `path` (a temporary file renamed into place, an S3 object's put or completed multipart
 *   upload), and a failed write leaves nothing under `path`. It holds a bounded part of the data in
 *   memory (a chunk, or the file system's configured upload buffers), never a whole large file, and
 *   is durable when it resolves. An existing file is replaced.
 * - `readFile` resolves `undefined` when no file exists at `path`; with `expectedSize` it rejects with
 *   a CorruptCheckpointError naming the file (its local path or URI) when the file has another size
 *   or ends early, before reading more than `expectedSize` bytes.
 * - Directories are what a local file system has and an object store's key prefixes (`<key>/`): a
 *   prefix "exists" while an object is under it. `createDirectory` creates one (nothing to do on object
 *   stores); with `exclusive` it resolves false, creating nothing, when `path` exists and holds entries
 *   (local: exists at all).
 * - Deletes are idempotent: a missing file or directory is no error. `deleteDirectory` removes
 *   everything under the directory in bounded batches.
 * - Every request is bounded in time and retries (configuration of the implementation); errors name
 *   the path and never contain credentials.
 */
export interface CheckpointFileSystem {
  /** Lowercase URI scheme this file system serves, without `:` (`file`, `s3`). */
  readonly scheme: string;
  /** A user's or a handle's string (a URI of this scheme; for `file` also an absolute path) as a canonical path. */
  parsePath(value: string): ParsedCheckpointPath;
  /** The URI a state handle records for `path`; `parsePath(toUri(p))` gives `p` back. */
  toUri(path: string): string;
  /** `name` (one path segment, no `/`) under `directory`. */
  child(directory: string, name: string): string;
  /** The directory that holds `path`. */
  parent(path: string): string;
  /**
   * Writes `data` (one array, or chunks in order) as the file `path`, atomically; resolves with its size
   * in bytes. As CheckpointStorageAccess.writeState: a chunk's array is reused once the next is asked for.
   */
  writeFile(path: string, data: StateBytes): Promise<number>;
  /** The file's bytes, `undefined` when there is none; exactly `expectedSize` bytes when given. */
  readFile(path: string, expectedSize?: number): Promise<Uint8Array | undefined>;
  /** `file` or `directory` (or prefix with entries), `undefined` when `path` is neither. */
  statPath(path: string): Promise<'file' | 'directory' | undefined>;
  /** Whether `directory` holds any file (an object store: any object under the prefix). */
  hasEntries(directory: string): Promise<boolean>;
  /** Creates `directory` and its parents; with `exclusive`, false when it exists already (see above). */
  createDirectory(directory: string, options?: { readonly exclusive?: boolean }): Promise<boolean>;
  deleteFile(path: string): Promise<void>;
  /** Removes `directory` and everything under it. */
  deleteDirectory(directory: string): Promise<void>;
}

/**
 * Creates the file system of one scheme from the configuration. Plugin modules bind factories to this
 * symbol (many bindings, one per scheme); the file-based checkpoint storages pick one by the scheme of
 * `execution.checkpointing.dir`, a savepoint target, a `-s` pointer or a state handle's URI.
 */
export interface CheckpointFileSystemFactory {
  /** The scheme served, lowercase (`file`, `s3`). */
  readonly scheme: string;
  create(config: Configuration): CheckpointFileSystem;
}
export const CheckpointFileSystemFactory = Symbol.for('flott.CheckpointFileSystemFactory');
