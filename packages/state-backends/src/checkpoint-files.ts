import { mkdir, open, opendir, rename, rm, stat, unlink } from 'fs/promises';
import { join } from 'path';
import { CheckpointDataNotFoundError, CorruptCheckpointError } from '@flott/runtime';
import { stateChunks } from '@flott/runtime/spi';
import { METADATA_FILE_NAME, parseFileLocation } from './checkpoint-paths';

// File operations of the file-based checkpoint storages, with the typed errors the SPI promises:
// a missing file is a CheckpointDataNotFoundError, a file of the wrong size a CorruptCheckpointError,
// both naming the file.

/** Whether `e` is a Node system error with one of `codes` (by shape: errors of another realm fail instanceof). */
export function isErrno(e: unknown, ...codes: string[]): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && codes.includes(code);
}

/**
 * Writes `data` (one array, or chunks in order) as `directory/fileName`, atomically and durably: into
 * a temporary file (a name no state file or `_metadata` can have), fsync'd, renamed into place, then
 * the directory fsync'd so the rename survives a crash. Until the rename, `fileName` does not exist; a
 * crash leaves a temporary file. Resolves with the path and the number of bytes written.
 */
export async function writeFileAtomically(
  directory: string,
  fileName: string,
  data: Uint8Array | AsyncIterable<Uint8Array>,
  randomHex: (bytes: number) => string,
): Promise<{ readonly path: string; readonly size: number }> {
  const target = join(directory, fileName);
  const temporary = join(directory, `.${fileName}.${randomHex(6)}.inprogress`);
  const handle = await open(temporary, 'wx');
  let size = 0;
  try {
    try {
      for await (const chunk of stateChunks(data)) {
        await handle.write(chunk);
        size += chunk.byteLength;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (e) {
    // The write's own error is what the caller gets; a temporary file that cannot be removed either is left behind.
    await unlink(temporary).catch(() => undefined);
    throw e;
  }
  await syncDirectory(directory);
  return { path: target, size };
}

/** Deletes one file; nothing happens when it is gone already. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if (!isErrno(e, 'ENOENT', 'ENOTDIR')) throw e;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is as durable as they allow.
    if (!isErrno(e, 'EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES')) throw e;
  } finally {
    await handle?.close();
  }
}

/** The bytes of a state file a handle points to: exactly `size` bytes, or a typed error naming the file. */
export async function readStateFile(uri: string, size: number): Promise<Uint8Array> {
  const parsed = parseFileLocation(uri);
  if ('problem' in parsed) throw new CheckpointDataNotFoundError(uri, `cannot read this state handle: ${parsed.problem}`);
  const path = parsed.path;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) throw new CheckpointDataNotFoundError(path, 'the state file does not exist (the checkpoint was discarded or moved)');
    throw e;
  }
  try {
    const actual = (await handle.stat()).size;
    if (actual !== size) {
      throw new CorruptCheckpointError(path, `the state file is ${actual} bytes, its handle in the metadata says ${size} (truncated or replaced)`);
    }
    const data = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(data, read, size - read, read);
      if (bytesRead === 0) throw new CorruptCheckpointError(path, `the state file ended after ${read} of ${size} bytes while it was read`);
      read += bytesRead;
    }
    return data;
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of the `_metadata` a user's pointer names: a checkpoint or savepoint directory (an absolute
 * path or file:// URI) or its `_metadata` file. A missing one is a CheckpointDataNotFoundError naming it.
 */
export async function readMetadataFile(pointer: string): Promise<Uint8Array> {
  const parsed = parseFileLocation(pointer);
  if ('problem' in parsed) {
    throw new CheckpointDataNotFoundError(pointer, `not a checkpoint or savepoint path: ${parsed.problem} (give the directory or its ${METADATA_FILE_NAME} file)`);
  }
  let file = parsed.path;
  try {
    if ((await stat(file)).isDirectory()) file = join(file, METADATA_FILE_NAME);
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR')) throw new CheckpointDataNotFoundError(file, 'no such checkpoint or savepoint directory or metadata file');
    throw e;
  }
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) {
      throw new CheckpointDataNotFoundError(file,
        `the directory has no ${METADATA_FILE_NAME}: the checkpoint did not complete, was discarded, or this is not a checkpoint or savepoint directory`);
    }
    throw e;
  }
  try {
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/** Creates `directory` (and its parents); fails when it exists already and `exclusive`. */
export async function createDirectory(directory: string, exclusive = false): Promise<void> {
  if (exclusive) await mkdir(directory);
  else await mkdir(directory, { recursive: true });
}

/** Whether `directory` exists and holds any file. */
export async function hasEntries(directory: string): Promise<boolean> {
  try {
    const handle = await opendir(directory);
    try {
      return (await handle.read()) !== null;
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}

/** Removes `directory` with everything in it; nothing happens when it is gone already. */
export async function removeDirectory(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true });
}
