import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { assert, ConfigurationError, FlottError, type Configuration } from '@flott/core';
import { CheckpointingOptions, StateOptions } from '@flott/runtime/common';
import type { KeyedStateBackend, KeyedStateBackendParameters, StateBackend, StateBackendFactory } from '@flott/runtime/spi';
import type { Database, RootDatabase } from 'lmdb';
import { Packr } from 'msgpackr';
import { LmdbKeyedStateBackend } from './lmdb-keyed-state-backend';

/** Keyed backends open at once in one slot (LMDB's named databases are bounded when the environment opens). */
export const MAX_KEYED_BACKENDS_PER_SLOT = 1024;

export interface LmdbStateBackendOptions {
  /** Absolute directory under which the slot's environment directory is created. */
  readonly localDirectory: string;
  /** Largest size of the environment's file in bytes. */
  readonly mapSize: number;
  readonly writeBatchSize: number;
  readonly writeBatchMemory: number;
  /** `state.backend.lmdb.cache.size`: entries each keyed backend keeps read or committed (default 32768). */
  readonly cacheEntries?: number;
  /** `state.backend.lmdb.cache.memory`: heap each keyed backend gives them (default 8 MiB). */
  readonly cacheMemory?: number;
  /** `execution.checkpointing.incremental`: keyed backends note what each commit changed (a second database each). */
  readonly incremental?: boolean;
}

/** A slot's LMDB environment grew beyond `state.backend.lmdb.map-size`. */
export class LmdbStateSizeExceededError extends FlottError {
  constructor(directory: string, size: number, mapSize: number) {
    super(
      'LMDB_STATE_SIZE_EXCEEDED',
      `The lmdb state backend's environment ${directory} holds ${size} bytes, more than ${StateOptions.LMDB_MAP_SIZE.key} ` +
        `(${mapSize} bytes). Raise the limit, or use more slots so each holds less state.`,
      { directory, size, mapSize, key: StateOptions.LMDB_MAP_SIZE.key },
    );
  }
}

/**
 * `lmdb`: keyed state serialised on local disk, in one LMDB environment per slot (a directory of its
 * own under `state.backend.lmdb.localdir`), one named database per keyed operator subtask, so state
 * may be far larger than the slot's heap. Created once per slot (the SPI's contract) and used on its
 * thread only. The environment opens with the first keyed backend and is closed and deleted with the
 * last one (and by `close`): it is working state, rebuilt from checkpoints, so it is written without
 * fsync and never reopened.
 */
export class LmdbStateBackend implements StateBackend {
  readonly name = 'lmdb';
  /** Values as the checkpoint format writes them (docs/checkpoint-format.md); copies, never views of LMDB's pages. */
  private readonly codec = new Packr({ structures: [], moreTypes: true, useBigIntExtension: true, copyBuffers: true });
  private environment: { readonly root: RootDatabase; readonly directory: string } | undefined;
  private readonly openDatabases = new Set<Database<Buffer, Buffer>>();
  private databaseSeq = 0;

  constructor(private readonly options: LmdbStateBackendOptions) {}

  /** The directory of the slot's environment while one is open. */
  get directory(): string | undefined {
    return this.environment?.directory;
  }

  createKeyedStateBackend(params: KeyedStateBackendParameters): KeyedStateBackend {
    assert(this.openDatabases.size < (this.options.incremental ? 2 : 1) * MAX_KEYED_BACKENDS_PER_SLOT, `more than ${MAX_KEYED_BACKENDS_PER_SLOT} keyed state backends open in one slot`);
    const environment = (this.environment ??= this.openEnvironment());
    const db = environment.root.openDB<Buffer, Buffer>({
      name: `keyed-${++this.databaseSeq}`,
      keyEncoding: 'binary',
      encoding: 'binary',
      cache: false,
    });
    this.openDatabases.add(db);
    const changes = this.options.incremental
      ? environment.root.openDB<Buffer, Buffer>({ name: `changes-${this.databaseSeq}`, keyEncoding: 'binary', encoding: 'binary', cache: false })
      : undefined;
    if (changes) this.openDatabases.add(changes);
    return new LmdbKeyedStateBackend({
      changes,
      params,
      db,
      codec: this.codec,
      writeBatchSize: this.options.writeBatchSize,
      writeBatchMemory: this.options.writeBatchMemory,
      cacheEntries: this.options.cacheEntries ?? StateOptions.LMDB_CACHE_SIZE.defaultValue,
      cacheMemory: this.options.cacheMemory ?? StateOptions.LMDB_CACHE_MEMORY.defaultValue,
      afterCommit: () => this.checkSize(),
      onDispose: () => {
        if (changes) this.release(changes);
        this.release(db);
      },
    });
  }

  /** Closes the environment and deletes its directory, whatever keyed backends are still open (they fail on use). */
  close(): void {
    this.openDatabases.clear();
    this.closeEnvironment();
  }

  private openEnvironment(): { root: RootDatabase; directory: string } {
    mkdirSync(this.options.localDirectory, { recursive: true });
    const directory = mkdtempSync(join(this.options.localDirectory, 'flott-lmdb-'));
    try {
      // Loaded on first use: lmdb's native library costs ~10 MB in every slot thread, and most jobs use hashmap.
      const { open } = require('lmdb') as typeof import('lmdb');
      const root = open({
        path: directory,
        // A state database and a change database (incremental checkpoints) per keyed backend.
        maxDbs: 2 * MAX_KEYED_BACKENDS_PER_SLOT,
        // Address space only; the file grows with the state (without useWritemap).
        mapSize: this.options.mapSize,
        // Working state, rebuilt from a checkpoint after any failure: no fsync, no page zeroing.
        noSync: true,
        noMetaSync: true,
        noMemInit: true,
        cache: false,
      });
      return { root, directory };
    } catch (e) {
      rmSync(directory, { recursive: true, force: true });
      throw e;
    }
  }

  private release(db: Database<Buffer, Buffer>): void {
    if (!this.openDatabases.delete(db)) return;
    if (this.openDatabases.size === 0) {
      this.closeEnvironment();
      return;
    }
    db.dropSync();
  }

  private closeEnvironment(): void {
    const environment = this.environment;
    if (!environment) return;
    this.environment = undefined;
    // Closing waits for open read cursors; the files are unlinked now either way (their pages stay
    // mapped until then).
    void environment.root.close();
    rmSync(environment.directory, { recursive: true, force: true });
  }

  /** lmdb-js grows a full map on its own; this keeps the environment within the configured size. */
  private checkSize(): void {
    const environment = this.environment;
    if (!environment) return;
    const stats = environment.root.getStats() as { lastPageNumber: number; pageSize: number };
    const size = (stats.lastPageNumber + 1) * stats.pageSize;
    if (size > this.options.mapSize) throw new LmdbStateSizeExceededError(environment.directory, size, this.options.mapSize);
  }
}

export class LmdbStateBackendFactory implements StateBackendFactory {
  readonly name = 'lmdb';

  create(config: Configuration): StateBackend {
    return new LmdbStateBackend(lmdbStateBackendOptions(config));
  }
}

export function lmdbStateBackendOptions(config: Configuration): LmdbStateBackendOptions {
  const localDirectory = config.get(StateOptions.LMDB_LOCAL_DIRECTORY) ?? tmpdir();
  if (!isAbsolute(localDirectory)) {
    throw new ConfigurationError(`${StateOptions.LMDB_LOCAL_DIRECTORY.key} must be an absolute path, got '${localDirectory}'`, {
      key: StateOptions.LMDB_LOCAL_DIRECTORY.key,
    });
  }
  return {
    localDirectory,
    mapSize: config.get(StateOptions.LMDB_MAP_SIZE),
    writeBatchSize: config.get(StateOptions.LMDB_WRITE_BATCH_SIZE),
    writeBatchMemory: config.get(StateOptions.LMDB_WRITE_BATCH_MEMORY),
    cacheEntries: config.get(StateOptions.LMDB_CACHE_SIZE),
    cacheMemory: config.get(StateOptions.LMDB_CACHE_MEMORY),
    incremental: config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS),
  };
}
