/// <reference types="jest" />
import { CorruptCheckpointError } from '../errors';
import type { CheckpointFileSystem } from '../spi/checkpoint-file-system';
import { useTemporaryDirectory } from './temporary-directory';
import { chunksInOneArray, chunksOf as chunked, sameBytes as same, testBytes as pattern } from './test-bytes';

export interface CheckpointFileSystemContractOptions {
  readonly fileSystem: () => CheckpointFileSystem;
  /** The test's own directory in the file system, given a fresh local temporary directory (removed afterwards); identity for `file`. */
  readonly directory: (temporaryDirectory: string) => string;
}

/**
 * Contract of CheckpointFileSystem (spi/checkpoint-file-system.ts), against a real file system or
 * store: files read back exactly as written (from arrays or chunks), atomically (a failed write leaves
 * nothing), reads of another size fail naming the file, directories exist while they hold files,
 * exclusive creation, idempotent deletes that touch nothing beside the directory, and paths that map
 * to URIs and back.
 */
export function checkpointFileSystemContractTests(name: string, options: CheckpointFileSystemContractOptions): void {
  describe(`CheckpointFileSystem contract: ${name}`, () => {
    const temporaryDirectory = useTemporaryDirectory('flott-checkpoint-fs-');
    let fs: CheckpointFileSystem;
    let dir: string;

    beforeEach(() => {
      fs = options.fileSystem();
      dir = options.directory(temporaryDirectory());
    });

    it('serves a lowercase scheme, and maps its paths to URIs and back', () => {
      expect(fs.scheme).toMatch(/^[a-z][a-z0-9+.-]*$/);
      expect(fs.parsePath(dir)).toEqual({ path: dir });
      const file = fs.child(fs.child(dir, 'a'), 'b');
      expect(fs.parsePath(fs.toUri(file))).toEqual({ path: file });
      expect(fs.toUri(file).startsWith(`${fs.scheme}:`)).toBe(true);
      expect(fs.parent(fs.parent(file))).toBe(dir);
      expect('problem' in fs.parsePath('relative/path')).toBe(true);
    });

    it('reads back exactly what was written, as arrays or chunks, as of the write', async () => {
      const sizes = [0, 1, 1000, 300 * 1024 + 7];
      const written = sizes.map((size, i) => pattern(size, i));
      const results = await Promise.all(written.map((data, i) => fs.writeFile(fs.child(dir, `f${i}`), i % 2 === 0 ? data : chunked(data, 4093))));
      expect(results).toEqual(sizes);
      for (const data of written) data.fill(0xee);
      const read = await Promise.all(sizes.map((size, i) => fs.readFile(fs.child(dir, `f${i}`), size)));
      expect(read.map((r, i) => same(r, pattern(sizes[i], i)))).toEqual(sizes.map(() => true));
      expect(same(await fs.readFile(fs.child(dir, 'f2')), pattern(1000, 2))).toBe(true);
      // Writing again replaces the file.
      await fs.writeFile(fs.child(dir, 'f2'), pattern(10, 9));
      expect(same(await fs.readFile(fs.child(dir, 'f2'), 10), pattern(10, 9))).toBe(true);
    });

    it('is done with a chunk once it asks for the next (the writer reuses its array)', async () => {
      const data = pattern(300 * 1024 + 7, 5);
      expect(await fs.writeFile(fs.child(dir, 'reused'), chunksInOneArray(data, 4093))).toBe(data.byteLength);
      expect(same(await fs.readFile(fs.child(dir, 'reused'), data.byteLength), data)).toBe(true);
    });

    it('leaves nothing under the name when the data fails part-way', async () => {
      async function* failing(): AsyncIterable<Uint8Array> {
        yield pattern(64 * 1024, 1);
        throw new Error('the backend failed mid-stream');
      }
      const file = fs.child(fs.child(dir, 'sub'), 'broken');
      await fs.createDirectory(fs.parent(file));
      await expect(fs.writeFile(file, failing())).rejects.toThrow('the backend failed mid-stream');
      expect(await fs.readFile(file)).toBeUndefined();
      expect(await fs.statPath(file)).toBeUndefined();
      expect(await fs.hasEntries(fs.parent(file))).toBe(false);
    });

    it('answers a missing file with undefined and one of another size with CorruptCheckpointError naming it', async () => {
      const file = fs.child(dir, 'state');
      expect(await fs.readFile(file)).toBeUndefined();
      expect(await fs.readFile(file, 10)).toBeUndefined();
      await fs.writeFile(file, pattern(100, 1));
      const error = await fs.readFile(file, 120).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptCheckpointError);
      expect((error as CorruptCheckpointError).data).toEqual({ file, reason: 'the state file is 100 bytes, its handle in the metadata says 120 (truncated or replaced)' });
    });

    it('tells files, directories holding files and nothing apart; exclusive creation refuses a taken directory', async () => {
      const sub = fs.child(dir, 'sub');
      const file = fs.child(sub, 'file');
      await fs.createDirectory(sub);
      await fs.writeFile(file, pattern(10, 1));
      expect(await Promise.all([file, sub, dir, fs.child(dir, 'none'), fs.child(file, 'below')].map((p) => fs.statPath(p))))
        .toEqual(['file', 'directory', 'directory', undefined, undefined]);
      expect(await Promise.all([sub, fs.child(dir, 'none')].map((p) => fs.hasEntries(p)))).toEqual([true, false]);
      expect(await fs.createDirectory(sub, { exclusive: true })).toBe(false);
      expect(await fs.createDirectory(fs.child(dir, 'fresh'), { exclusive: true })).toBe(true);
    });

    it('deletes files and directories idempotently, and nothing beside them', async () => {
      const d = fs.child(dir, 'd');
      await fs.createDirectory(fs.child(d, 'nested'));
      await fs.createDirectory(fs.child(dir, 'd2'));
      await Promise.all([
        ...[0, 1, 2, 3].map((i) => fs.writeFile(fs.child(d, `f${i}`), pattern(10, i))),
        fs.writeFile(fs.child(fs.child(d, 'nested'), 'f'), pattern(10, 5)),
        fs.writeFile(fs.child(fs.child(dir, 'd2'), 'f'), pattern(10, 6)),
        fs.writeFile(fs.child(dir, 'dx'), pattern(10, 7)),
      ]);
      await fs.deleteFile(fs.child(d, 'f0'));
      await fs.deleteFile(fs.child(d, 'f0'));
      expect(await fs.statPath(fs.child(d, 'f0'))).toBeUndefined();
      await fs.deleteDirectory(d);
      await fs.deleteDirectory(d);
      expect(await fs.statPath(d)).toBeUndefined();
      expect(await fs.hasEntries(d)).toBe(false);
      expect(same(await fs.readFile(fs.child(fs.child(dir, 'd2'), 'f'), 10), pattern(10, 6))).toBe(true);
      expect(same(await fs.readFile(fs.child(dir, 'dx'), 10), pattern(10, 7))).toBe(true);
    });
  });
}
