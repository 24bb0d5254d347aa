import { mkdir, open, opendir, readFile, rename, rm, stat, unlink } from 'fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { Configuration } from '@flott/core';
import { CorruptCheckpointError } from '@flott/runtime/common';
import { stateChunks, type CheckpointFileSystem, type CheckpointFileSystemFactory, type ParsedCheckpointPath, type StateBytes } from '@flott/runtime/spi';
import { cryptoRandomHex } from './checkpoint-paths';

// The `file` scheme of the file-based checkpoint storages: local (or mounted shared) directories.
// Paths are absolute; handles record file:// URIs.

/** Whether `e` is a Node system error with one of `codes` (by shape: errors of another realm fail instanceof). */
export function isErrno(e: unknown, ...codes: string[]): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && codes.includes(code);
}

/** An absolute path from a `file://` URI or an absolute path; otherwise why it is neither. */
export function parseFileLocation(value: string): ParsedCheckpointPath {
  const trimmed = value.trim();
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1];
  // A Windows drive letter looks like a one-letter scheme.
  if (scheme !== undefined && scheme.length > 1) {
    if (scheme.toLowerCase() !== 'file') return { problem: `the scheme '${scheme}' is not supported here (file:// URIs and absolute paths are)` };
    try {
      return { path: resolve(fileURLToPath(trimmed)) };
    } catch (e) {
      return { problem: `not a valid file:// URI (${e instanceof Error ? e.message : String(e)})` };
    }
  }
  if (trimmed === '' || !isAbsolute(trimmed)) return { problem: 'not an absolute path or a file:// URI' };
  return { path: resolve(trimmed) };
}

export class LocalCheckpointFileSystem implements CheckpointFileSystem {
  readonly scheme = 'file';

  /** `randomHex`: names of temporary files (only unique, not reproducible). */
  constructor(private readonly randomHex: (bytes: number) => string = cryptoRandomHex) {}

  parsePath(value: string): ParsedCheckpointPath {
    return parseFileLocation(value);
  }

  toUri(path: string): string {
    return pathToFileURL(path).href;
  }

  child(directory: string, name: string): string {
    return join(directory, name);
  }

  parent(path: string): string {
    return dirname(path);
  }

  /**
   * Into a temporary file (a name no state file or `_metadata` can have: safeFileName never starts
   * with '.'), fsync'd, renamed into place, then the directory fsync'd so the rename survives a crash.
   * A crash leaves a temporary file, never a partial file under `path`.
   */
  async writeFile(path: string, data: StateBytes): Promise<number> {
    const directory = dirname(path);
    const temporary = join(directory, `.${basename(path)}.${this.randomHex(6)}.inprogress`);
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
      await rename(temporary, path);
    } catch (e) {
      // The write's own error is what the caller gets; a temporary file that cannot be removed either is left behind.
      await unlink(temporary).catch(() => undefined);
      throw e;
    }
    await syncDirectory(directory);
    return size;
  }

  async readFile(path: string, expectedSize?: number): Promise<Uint8Array | undefined> {
    let handle;
    try {
      if (expectedSize === undefined) return new Uint8Array(await readFile(path));
      handle = await open(path, 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return undefined;
      throw e;
    }
    try {
      const actual = (await handle.stat()).size;
      if (actual !== expectedSize) {
        throw new CorruptCheckpointError(path, `the state file is ${actual} bytes, its handle in the metadata says ${expectedSize} (truncated or replaced)`);
      }
      const data = new Uint8Array(expectedSize);
      let read = 0;
      while (read < expectedSize) {
        const { bytesRead } = await handle.read(data, read, expectedSize - read, read);
        if (bytesRead === 0) throw new CorruptCheckpointError(path, `the state file ended after ${read} of ${expectedSize} bytes while it was read`);
        read += bytesRead;
      }
      return data;
    } finally {
      await handle.close();
    }
  }

  async statPath(path: string): Promise<'file' | 'directory' | undefined> {
    try {
      return (await stat(path)).isDirectory() ? 'directory' : 'file';
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return undefined;
      throw e;
    }
  }

  async hasEntries(directory: string): Promise<boolean> {
    try {
      const handle = await opendir(directory);
      try {
        return (await handle.read()) !== null;
      } finally {
        await handle.close();
      }
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return false;
      throw e;
    }
  }

  async createDirectory(directory: string, options?: { readonly exclusive?: boolean }): Promise<boolean> {
    if (!options?.exclusive) {
      await mkdir(directory, { recursive: true });
      return true;
    }
    try {
      await mkdir(directory);
      return true;
    } catch (e) {
      if (isErrno(e, 'EEXIST')) return false;
      throw e;
    }
  }

  async deleteFile(path: string): Promise<void> {
    try {
      await unlink(path);
    } catch (e) {
      if (!isErrno(e, 'ENOENT', 'ENOTDIR')) throw e;
    }
  }

  async deleteDirectory(directory: string): Promise<void> {
    await rm(directory, { recursive: true, force: true });
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

/** `file`: local paths and file:// URIs. */
export class LocalCheckpointFileSystemFactory implements CheckpointFileSystemFactory {
  readonly scheme = 'file';

  create(_config: Configuration): CheckpointFileSystem {
    return new LocalCheckpointFileSystem();
  }
}
