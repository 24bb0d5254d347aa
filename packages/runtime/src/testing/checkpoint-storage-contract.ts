/// <reference types="jest" />
import { ConfigurationError, type Configuration } from '@flott/core';
import { decodeCheckpointMetadata, encodeCheckpointMetadata } from '../checkpoint/format/checkpoint-metadata-file';
import type { CheckpointMetadata, StreamStateHandle } from '../snapshot/snapshot-data';
import { StateOptions } from '../config/options';
import { CheckpointDataNotFoundError, CorruptCheckpointError } from '../errors';
import type { CheckpointStorageAccess, CheckpointStorageFactory } from '../spi/checkpoint-storage';
import { withFlippedByte } from './checkpoint-file-damage';
import { localCheckpointStorageFiles, type CheckpointStorageFiles } from './checkpoint-storage-files';
import { chunksInOneArray, chunksOf as chunked, sameBytes as same, testBytes as pattern } from './test-bytes';
import { useTemporaryDirectory } from './temporary-directory';

export interface CheckpointStorageContractOptions {
  /** Told apart in the test names when one storage runs the suite in several configurations. */
  readonly variant?: string;
  /** The configuration under test, given a fresh temporary directory the test owns (deleted afterwards). */
  readonly config: (directory: string) => Configuration;
  /**
   * The file system the storage's files are on, to check and damage them directly; the local one by
   * default. A storage that keeps no files (inline state, metadata in memory) runs the file checks as no-ops.
   */
  readonly files?: CheckpointStorageFiles;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; data?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to reject');
}

function metadata(checkpointId: number, jobId: string): CheckpointMetadata {
  return {
    checkpointId, jobId, type: 'CHECKPOINT', timestamp: 1_700_000_000_000 + checkpointId,
    operators: [{ operatorId: 'op-1', name: 'Map', parallelism: 1, maxParallelism: 128, subtasks: [{ operator: { kind: 'inline', data: pattern(16, 1) } }] }],
  };
}

/**
 * Contract of CheckpointStorage (spi/checkpoint-storage.ts), against real temporary directories:
 * state and metadata read back exactly as of their write; locations of different checkpoints, jobs
 * and savepoints never collide; concurrent writes to one location (from one or several accesses, as
 * slot threads make them) stay apart; a location whose metadata was never written is not a checkpoint;
 * discarding removes a location and nothing else; missing, truncated and altered data fail with
 * CheckpointDataNotFoundError or CorruptCheckpointError naming the file.
 */
export function checkpointStorageContractTests(factory: CheckpointStorageFactory, options: CheckpointStorageContractOptions): void {
  describe(`CheckpointStorage contract: ${factory.name}${options.variant ? ` (${options.variant})` : ''}`, () => {
    const temporaryDirectory = useTemporaryDirectory('flott-checkpoint-storage-');
    const files = options.files ?? localCheckpointStorageFiles;
    const join = (a: string, b: string): string => files.join(a, b);
    let directory: string;
    let access: CheckpointStorageAccess;

    beforeEach(() => {
      directory = files.base(temporaryDirectory());
      access = factory.create(options.config(directory)).createCheckpointStorageAccess('0123456789abcdef0123456789abcdef');
    });

    it('has a lowercase config name matching its storage', () => {
      expect(factory.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(factory.create(options.config(directory)).name).toBe(factory.name);
    });

    it('initializes a distinct location per checkpoint, per job and per savepoint', async () => {
      const storage = factory.create(options.config(directory));
      const other = storage.createCheckpointStorageAccess('fedcba9876543210fedcba9876543210');
      const locations = await Promise.all([
        access.initializeLocation(1), access.initializeLocation(2), other.initializeLocation(1),
        access.initializeSavepointLocation(3, join(directory, 'savepoints')), access.initializeSavepointLocation(3, join(directory, 'savepoints')),
      ]);
      expect(locations.map((l) => l.checkpointId)).toEqual([1, 2, 1, 3, 3]);
      expect(new Set(locations.map((l) => l.pointer)).size).toBe(5);
    });

    it('reads back exactly what was written, as of the write, at every size', async () => {
      const location = await access.initializeLocation(7);
      const sizes = [0, 1, 100, 20 * 1024 - 1, 20 * 1024, 64 * 1024, 1024 * 1024];
      const written = sizes.map((size, i) => pattern(size, i));
      const handles = await Promise.all(written.map((data, i) => access.writeState(location, `op-1/subtask-${i}`, data)));
      for (const data of written) data.fill(0xee);
      const read = await Promise.all(handles.map((h) => access.readState(h)));
      expect(read.map((r, i) => same(r, pattern(sizes[i], i)))).toEqual(sizes.map(() => true));
      expect(handles.map((h, i) => (h.kind === 'file' ? h.size : sizes[i]))).toEqual(sizes);
    });

    it('reads back streamed state exactly, whatever the chunking', async () => {
      const location = await access.initializeLocation(8);
      const sizes = [0, 1, 20 * 1024 - 1, 20 * 1024, 300 * 1024 + 7];
      const handles = await Promise.all(sizes.map((size, i) => access.writeState(location, `op-1/streamed-${i}`, chunked(pattern(size, i), 1 + i * 4099))));
      const read = await Promise.all(handles.map((h) => access.readState(h)));
      expect(read.map((r, i) => same(r, pattern(sizes[i], i)))).toEqual(sizes.map(() => true));
      expect(handles.map((h, i) => (h.kind === 'file' ? h.size : sizes[i]))).toEqual(sizes);
      // A stream that fails part-way fails the write and leaves nothing that reads as state.
      async function* failing(): AsyncIterable<Uint8Array> {
        yield pattern(64 * 1024, 1);
        throw new Error('the backend failed mid-stream');
      }
      await expect(access.writeState(location, 'op-1/broken', failing())).rejects.toThrow('the backend failed mid-stream');
      expect((await files.list(location.pointer)).filter((f) => /broken|inprogress/.test(f))).toEqual([]);
    });

    it('is done with a chunk once it asks for the next (the writer reuses its array)', async () => {
      const location = await access.initializeLocation(10);
      const sizes = [1000, 20 * 1024 - 1, 20 * 1024 + 1, 300 * 1024 + 7];
      const handles = await Promise.all(sizes.map((size, i) => access.writeState(location, `op-1/reused-${i}`, chunksInOneArray(pattern(size, i), 4093))));
      const read = await Promise.all(handles.map((h) => access.readState(h)));
      expect(read.map((r, i) => same(r, pattern(sizes[i], i)))).toEqual(sizes.map(() => true));
    });

    it('keeps no more than the state of views into a larger buffer (a snapshot\'s chunks, msgpackr output)', async () => {
      const location = await access.initializeLocation(9);
      // A Node Buffer's `slice` is a view: inline state kept that way holds (and, posted to the JobManager, copies) the whole buffer.
      const pool = Buffer.alloc(1024 * 1024);
      pool.set(pattern(300, 2), 1000);
      async function* streamed(): AsyncIterable<Uint8Array> {
        yield pool.subarray(1000, 1100);
        yield pool.subarray(1100, 1300);
      }
      const handles = [await access.writeState(location, 'op-1/view', pool.subarray(1000, 1300)), await access.writeState(location, 'op-1/streamed-view', streamed())];
      pool.fill(0xee);
      for (const handle of handles) {
        expect(same(await access.readState(handle), pattern(300, 2))).toBe(true);
        if (handle.kind === 'inline') expect(handle.data.buffer.byteLength).toBe(300);
      }
    });

    it('keeps SHARED state beyond its checkpoint until discardState, and savepoints self-contained', async () => {
      const [l1, l2] = await Promise.all([access.initializeLocation(1), access.initializeLocation(2)]);
      const shared = await access.writeState(l1, 'op-1-sst-000001', chunked(pattern(64 * 1024, 7), 5000), { scope: 'SHARED' });
      const exclusive = await access.writeState(l1, 'op-1-keyed', pattern(64 * 1024, 8));
      await access.writeMetadata(l1, pattern(8, 1));
      await access.discard(l1);
      // Checkpoint 2 still references the shared file.
      expect(same(await access.readState(shared), pattern(64 * 1024, 7))).toBe(true);
      if (exclusive.kind === 'file') await expect(access.readState(exclusive)).rejects.toBeInstanceOf(CheckpointDataNotFoundError);
      await access.discardState(shared);
      await access.discardState(shared);
      if (shared.kind === 'file') await expect(access.readState(shared)).rejects.toBeInstanceOf(CheckpointDataNotFoundError);
      await access.discard(l2);
      const savepoint = await access.initializeSavepointLocation(3, join(directory, 'savepoints'));
      const inSavepoint = await access.writeState(savepoint, 'op-1-sst-000002', pattern(64 * 1024, 9), { scope: 'SHARED' });
      if (inSavepoint.kind === 'file') expect(inSavepoint.uri).toContain(savepoint.pointer.split('/').pop());
    });

    it('keeps concurrent writes to one location apart, from one access or several', async () => {
      const storage = factory.create(options.config(directory));
      const accesses = [access, storage.createCheckpointStorageAccess('0123456789abcdef0123456789abcdef')];
      const location = await access.initializeLocation(4);
      // Names that a careless file layout would turn into paths, hidden files or the metadata itself.
      const names = ['op/0', 'op/1', '../escape', '.', '..', '_metadata', '.hidden', 'ünï cödé', 'a'.repeat(300), 'a'.repeat(301)];
      for (let i = 0; i < 14; i++) names.push(`op-${i}-keyed`);
      const data = names.map((_, i) => pattern(i % 3 === 0 ? 48 * 1024 + i : 10 * i, i));
      const handles = await Promise.all(names.map((name, i) => accesses[i % 2].writeState(location, name, data[i])));
      const read = await Promise.all(handles.map((h, i) => accesses[(i + 1) % 2].readState(h)));
      expect(read.map((r, i) => same(r, data[i]))).toEqual(names.map(() => true));
      const pointer = await access.writeMetadata(location, pattern(10, 99));
      expect(same(await access.readMetadata(pointer), pattern(10, 99))).toBe(true);
      expect(await files.exists(join(directory, 'escape'))).toBe(false);
    });

    it('writes metadata that reads back through the pointer it returns', async () => {
      const location = await access.initializeLocation(12);
      await access.writeState(location, 'op-1-operator-0', pattern(30 * 1024, 3));
      const bytes = encodeCheckpointMetadata(metadata(12, 'job'));
      const pointer = await access.writeMetadata(location, bytes);
      bytes.fill(0);
      expect(decodeCheckpointMetadata(await access.readMetadata(pointer), pointer)).toStrictEqual(metadata(12, 'job'));
      // A user may give the directory, its _metadata file, or a URI of either.
      for (const given of files.pointerSpellings(pointer)) {
        expect(decodeCheckpointMetadata(await access.readMetadata(given), given).checkpointId).toBe(12);
      }
      expect((await files.list(pointer)).filter((f) => f.includes('inprogress'))).toEqual([]);
    });

    it('does not take a location whose metadata was never written for a checkpoint', async () => {
      const location = await access.initializeLocation(5);
      await Promise.all([access.writeState(location, 'op-1-keyed-0', pattern(64 * 1024, 1)), access.writeState(location, 'op-2', pattern(10, 2))]);
      const error = await rejection(access.readMetadata(location.pointer));
      expect(error).toBeInstanceOf(CheckpointDataNotFoundError);
      expect(String(error.data?.handle)).toContain(location.pointer);
      expect(error.message).toMatch(/did not complete/);
    });

    it('writes savepoints to a fresh directory under the target, named as Flink names them', async () => {
      const target = join(directory, 'savepoints');
      const location = await access.initializeSavepointLocation(9, files.uri(target));
      expect(location.pointer.startsWith(target)).toBe(true);
      expect(location.pointer.slice(target.length + 1)).toMatch(/^savepoint-012345-[0-9a-f]{12}$/);
      const handle = await access.writeState(location, 'op-1-keyed-0', pattern(64 * 1024, 5));
      const pointer = await access.writeMetadata(location, encodeCheckpointMetadata({ ...metadata(9, 'job'), type: 'SAVEPOINT' }));
      expect(pointer).toBe(location.pointer);
      expect(decodeCheckpointMetadata(await access.readMetadata(pointer), pointer).type).toBe('SAVEPOINT');
      expect(same(await access.readState(handle), pattern(64 * 1024, 5))).toBe(true);
    });

    it('names a savepoint\'s own files relative to its directory: a copy of the directory restores from its new place, the original gone', async () => {
      const location = await access.initializeSavepointLocation(9, files.uri(join(directory, 'savepoints')));
      // A name the storage encodes for a file name, and one it keeps as is.
      const names = ['op-1-keyed-0', 'Source: x (1/2) %20'];
      const data = names.map((_, i) => pattern(64 * 1024 + i, 20 + i));
      const handles = await Promise.all(names.map((name, i) => access.writeState(location, name, data[i])));
      const savepoint: CheckpointMetadata = {
        ...metadata(9, 'job'), type: 'SAVEPOINT',
        operators: [{ operatorId: 'op-1', name: 'Map', parallelism: 2, maxParallelism: 128, subtasks: handles.map((operator) => ({ operator })) }],
      };
      // What the checkpoint coordinator does for a savepoint.
      const directoryUri = await access.directoryUri!(location.pointer);
      const pointer = await access.writeMetadata(location, encodeCheckpointMetadata(savepoint, directoryUri));
      for (const h of handles) if (h.kind === 'file') expect(h.uri.startsWith(`${directoryUri}/`)).toBe(true);
      for (const given of files.pointerSpellings(pointer)) expect(await access.directoryUri!(given)).toBe(directoryUri);

      const moved = join(directory, 'elsewhere');
      for (const f of await files.list(pointer)) await files.write(join(moved, f), await files.read(join(pointer, f)));
      await access.discard(location);
      expect(await files.list(pointer)).toEqual([]);
      for (const given of [moved, ...files.pointerSpellings(moved)]) {
        const restored = decodeCheckpointMetadata(await access.readMetadata(given), given, await access.directoryUri!(given));
        const read = await Promise.all(restored.operators[0].subtasks.map((s) => access.readState(s.operator!)));
        expect(read.map((r, i) => same(r, data[i]))).toEqual([true, true]);
        for (const s of restored.operators[0].subtasks) if (s.operator!.kind === 'file') expect(s.operator!.uri.startsWith(files.uri(moved))).toBe(true);
      }
    });

    it('puts a savepoint without target under the configured savepoint directory, or refuses naming the option', async () => {
      const configured = options.config(directory).get(StateOptions.SAVEPOINT_DIRECTORY);
      if (configured !== undefined) {
        expect((await access.initializeSavepointLocation(1)).pointer).toMatch(/savepoint-012345-[0-9a-f]{12}$/);
      } else {
        const error = await rejection(access.initializeSavepointLocation(1));
        expect(error).toBeInstanceOf(ConfigurationError);
        expect(error.message).toContain(StateOptions.SAVEPOINT_DIRECTORY.key);
      }
      await expect(access.initializeSavepointLocation(1, 'relative/dir')).rejects.toThrow(/not an absolute path or a file:\/\/ URI/);
    });

    it('discards a location and nothing else', async () => {
      const [l1, l2] = await Promise.all([access.initializeLocation(1), access.initializeLocation(2)]);
      const [h1, h2] = await Promise.all([access.writeState(l1, 'op/0', pattern(64 * 1024, 1)), access.writeState(l2, 'op/0', pattern(64 * 1024, 2))]);
      const [p1, p2] = await Promise.all([access.writeMetadata(l1, pattern(8, 1)), access.writeMetadata(l2, pattern(8, 2))]);
      await access.discard(l1);
      await access.discard(l1);
      await expect(access.readMetadata(p1)).rejects.toBeInstanceOf(CheckpointDataNotFoundError);
      if (h1.kind === 'file') await expect(access.readState(h1)).rejects.toBeInstanceOf(CheckpointDataNotFoundError);
      expect(await files.list(l1.pointer)).toEqual([]);
      expect(same(await access.readMetadata(p2), pattern(8, 2))).toBe(true);
      expect(same(await access.readState(h2), pattern(64 * 1024, 2))).toBe(true);
    });

    it('fails reads of missing data with CheckpointDataNotFoundError naming it', async () => {
      const missing = join(directory, 'no-such-checkpoint');
      for (const pointer of [missing, join(missing, '_metadata'), files.uri(missing), 'relative/chk-1', 'jobmanager://other-job/chk-1']) {
        const error = await rejection(access.readMetadata(pointer));
        expect(error).toBeInstanceOf(CheckpointDataNotFoundError);
        expect(error.message).toContain(pointer === files.uri(missing) ? files.named(missing) : pointer);
      }
      const gone: StreamStateHandle = { kind: 'file', uri: files.uri(join(directory, 'gone')), size: 3 };
      const error = await rejection(access.readState(gone));
      expect(error).toBeInstanceOf(CheckpointDataNotFoundError);
      expect(error.data?.handle).toBe(files.named(gone.uri));
    });

    it('fails reads of truncated or altered files with CorruptCheckpointError naming the file', async () => {
      const file = join(directory, 'state');
      await files.write(file, pattern(100, 1));
      const error = await rejection(access.readState({ kind: 'file', uri: files.uri(file), size: 120 }));
      expect(error).toBeInstanceOf(CorruptCheckpointError);
      expect(error.data).toEqual({ file: files.named(file), reason: 'the state file is 100 bytes, its handle in the metadata says 120 (truncated or replaced)' });
      // A state file the storage wrote, cut short on disk.
      const location = await access.initializeLocation(3);
      const handle = await access.writeState(location, 'op-1', pattern(64 * 1024, 2));
      if (handle.kind === 'file') {
        await files.truncate(handle.uri, 1000);
        await expect(access.readState(handle)).rejects.toBeInstanceOf(CorruptCheckpointError);
      }
      // Damaged metadata of a savepoint: the format's checksums catch it, naming the file the user gave.
      const savepoint = await access.initializeSavepointLocation(4, join(directory, 'savepoints'));
      const pointer = await access.writeMetadata(savepoint, encodeCheckpointMetadata(metadata(4, 'job')));
      const metadataFile = join(pointer, '_metadata');
      const original = await files.read(metadataFile);
      await files.write(metadataFile, withFlippedByte(original, original.length - 5));
      const altered = await rejection((async () => decodeCheckpointMetadata(await access.readMetadata(pointer), pointer))());
      expect(altered).toBeInstanceOf(CorruptCheckpointError);
      expect(altered.data).toEqual({ file: pointer, reason: expect.stringMatching(/checksum mismatch/) });
      await files.truncate(metadataFile, original.length - 1);
      const cut = await rejection((async () => decodeCheckpointMetadata(await access.readMetadata(pointer), pointer))());
      expect(cut.data).toEqual({ file: pointer, reason: expect.stringMatching(/^truncated/) });
    });
  });
}
