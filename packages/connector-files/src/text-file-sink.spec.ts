import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OneInputOperatorTestHarness } from '@flott/runtime/testing';
import { SinkFileExistsError, SinkPathNotDirectoryError } from './connector-errors';
import { TextFileSink } from './text-file-sink';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flott-text-sink-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('TextFileSink', () => {
  it('at parallelism 1 writes one line per record to the file (creating parent directories)', async () => {
    const path = join(dir, 'out', 'result.txt');
    await new OneInputOperatorTestHarness(new TextFileSink<unknown>(path)).run(['a', 2, { k: 'v' }]);
    expect(readFileSync(path, 'utf8')).toBe('a\n2\n{"k":"v"}\n');
  });

  it('at parallelism > 1 writes a directory with one file per subtask named 1..n', async () => {
    const path = join(dir, 'out');
    for (const i of [0, 1, 2]) {
      await new OneInputOperatorTestHarness(new TextFileSink<string>(path), { subtaskIndex: i, parallelism: 3 }).run([`from ${i}`]);
    }
    expect(readdirSync(path).sort()).toEqual(['1', '2', '3']);
    expect(readFileSync(join(path, '2'), 'utf8')).toBe('from 1\n');
  });

  it('NO_OVERWRITE refuses an existing file on the first attempt', async () => {
    const path = join(dir, 'exists.txt');
    writeFileSync(path, 'old\n');
    const h = new OneInputOperatorTestHarness(new TextFileSink<string>(path));
    await expect(h.open()).rejects.toThrow(SinkFileExistsError);
    expect(readFileSync(path, 'utf8')).toBe('old\n');
  });

  it('names the regular file that stands where a directory of the path should be', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep\n');
    for (const [path, parallelism] of [[join(file, 'out.txt'), 1], [join(file, 'deeper', 'out.txt'), 1], [join(file, 'out'), 2]] as const) {
      const h = new OneInputOperatorTestHarness(new TextFileSink<string>(path), { parallelism });
      const error = await h.open().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(SinkPathNotDirectoryError);
      expect((error as Error).message).toContain(`'${file}' is a file, not a directory`);
    }
    expect(readFileSync(file, 'utf8')).toBe('keep\n');
  });

  it('OVERWRITE, and any restarted attempt, replace the file', async () => {
    const path = join(dir, 'exists.txt');
    writeFileSync(path, 'old old old\n');
    await new OneInputOperatorTestHarness(new TextFileSink<string>(path, 'OVERWRITE')).run(['new']);
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    await new OneInputOperatorTestHarness(new TextFileSink<string>(path), { attemptNumber: 1 }).run(['retry']);
    expect(readFileSync(path, 'utf8')).toBe('retry\n');
  });

  it('reports itself unavailable while its bounded write buffer is full, and available after draining', async () => {
    const path = join(dir, 'big.txt');
    const h = new OneInputOperatorTestHarness(new TextFileSink<string>(path, 'NO_OVERWRITE', 16));
    await h.open();
    expect(h.availabilityProviders.length).toBe(1);
    expect(h.isAvailable()).toBe(true);
    h.processElement('more than sixteen bytes of text');
    expect(h.isAvailable()).toBe(false);
    await h.availabilityProviders[0].whenAvailable();
    expect(h.isAvailable()).toBe(true);
    await h.finish();
    await h.close();
    expect(readFileSync(path, 'utf8')).toBe('more than sixteen bytes of text\n');
  });

  it('is available again after a drain that came before anyone waited for it (the task had yielded between its writes and its wait)', async () => {
    const path = join(dir, 'drained-early.txt');
    const h = new OneInputOperatorTestHarness(new TextFileSink<string>(path, 'NO_OVERWRITE', 16));
    await h.open();
    h.processElement('more than sixteen bytes of text');
    expect(h.isAvailable()).toBe(false);
    // Nobody waits; the write completes and the stream drains meanwhile: availability follows (bounded wait for it).
    const deadline = Date.now() + 5_000;
    while (!h.isAvailable() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(h.isAvailable()).toBe(true);
    await h.availabilityProviders[0].whenAvailable();
    await h.finish();
    await h.close();
    expect(readFileSync(path, 'utf8')).toBe('more than sixteen bytes of text\n');
  });

  it('close without finish (failure/cancel) does not create anything more than the opened file', async () => {
    const path = join(dir, 'cancelled.txt');
    const h = new OneInputOperatorTestHarness(new TextFileSink<string>(path));
    await h.open();
    await h.close();
    expect(existsSync(path)).toBe(true);
  });

  it('close without finish (cancel) flushes the lines written so far and closes the file', async () => {
    const path = join(dir, 'cancelled.txt');
    const h = new OneInputOperatorTestHarness(new TextFileSink<number>(path, 'NO_OVERWRITE', 1024 * 1024));
    await h.open();
    for (let i = 0; i < 1000; i++) h.processElement(i);
    await h.close();
    expect(readFileSync(path, 'utf8')).toBe(Array.from({ length: 1000 }, (_, i) => `${i}\n`).join(''));
  });
});
