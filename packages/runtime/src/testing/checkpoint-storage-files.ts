import { existsSync } from 'fs';
import { mkdir, readdir, readFile, truncate, writeFile } from 'fs/promises';
import { dirname, isAbsolute, join } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

/**
 * What the CheckpointStorage contract suite does to a storage's files behind its back (to check a
 * layout, or to damage a file), for the file system the storage writes to. Paths are the storage's
 * pointers and handle URIs (or paths built with `join`); the local variant takes file:// URIs too.
 */
export interface CheckpointStorageFiles {
  /** Where the suite puts directories of its own (savepoint targets, missing pointers) for a test's temporary directory. */
  base(directory: string): string;
  join(directory: string, name: string): string;
  /** The URI a state handle records for a file at `path`. */
  uri(path: string): string;
  /** How the storage's errors name the file a URI (or path) points to. */
  named(uriOrPath: string): string;
  /** Other ways a user may write a checkpoint directory's pointer (its `_metadata` file, a URI form); [] for pointers that are no directory. */
  pointerSpellings(pointer: string): string[];
  read(uriOrPath: string): Promise<Uint8Array>;
  /** Writes a file, creating its directory when there is none. */
  write(uriOrPath: string, data: Uint8Array): Promise<void>;
  /** Cuts the file to `size` bytes. */
  truncate(uriOrPath: string, size: number): Promise<void>;
  exists(uriOrPath: string): Promise<boolean>;
  /** Names of the files directly in a directory ([] when it does not exist). */
  list(directory: string): Promise<string[]>;
}

function localPath(uriOrPath: string): string {
  return uriOrPath.startsWith('file:') ? fileURLToPath(uriOrPath) : uriOrPath;
}

/** The local file system: absolute paths, file:// URIs in handles. */
export const localCheckpointStorageFiles: CheckpointStorageFiles = {
  base: (directory) => directory,
  join: (directory, name) => join(directory, name),
  uri: (path) => pathToFileURL(path).href,
  named: localPath,
  // Only directories have other spellings (not the jobmanager storage's in-memory pointers).
  pointerSpellings: (pointer) => (isAbsolute(pointer) ? [join(pointer, '_metadata'), pathToFileURL(pointer).href, pathToFileURL(join(pointer, '_metadata')).href] : []),
  read: async (p) => new Uint8Array(await readFile(localPath(p))),
  write: async (p, data) => {
    await mkdir(dirname(localPath(p)), { recursive: true });
    await writeFile(localPath(p), data);
  },
  truncate: (p, size) => truncate(localPath(p), size),
  exists: async (p) => existsSync(localPath(p)),
  list: async (directory) => (existsSync(localPath(directory)) ? readdir(localPath(directory)) : []),
};
