import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unpack } from 'msgpackr';
import { Boundedness, InputStatus, type Source } from '@flott/core';
import { TestingSourceWiring } from '@flott/runtime/testing';
import { FileSource, TextLineInputFormat } from './file-source';
import type { FileSourceSplit } from './file-source-split';
import { listFiles } from './file-split-enumerator';
import { collectingOutput, testingReaderContext } from '../testing-fixtures/source-reader-context';
import { TextLineSplitReader } from './text-line-split-reader';

/** Polls every reader (awaiting availability, as the task does) until `done` holds; bounded by 2000 rounds. */
async function pollUntil(w: TestingSourceWiring<string>, done: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 2000 && !done(); round++) {
    const waits: Array<Promise<void>> = [];
    for (const r of w.readers) {
      if (!r || r.statuses.at(-1) === InputStatus.END_OF_INPUT) continue;
      if (r.pollNext(5) === InputStatus.NOTHING_AVAILABLE) waits.push(r.operator.available());
    }
    // File reads and listings are real I/O: wait for a reader, at most 5 ms a round (about 10 s in all).
    if (waits.length > 0) await Promise.race([...waits, new Promise((resolve) => setTimeout(resolve, 5))]);
    w.clock.advance(0); // the enumerator's listing runs on the manual scheduler
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!done()) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(w.readers.map((r) => [r?.statuses.slice(-3), r?.output.values()]))} ${JSON.stringify(w.failures.map((f) => f.message))}`);
}

const ended = (w: TestingSourceWiring<string>) => () => w.readers.every((r) => r?.statuses.at(-1) === InputStatus.END_OF_INPUT);
const lines = (w: TestingSourceWiring<string>) => w.readers.flatMap((r) => r?.output.values() ?? []);

describe('FileSource with TextLineInputFormat', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-file-source-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a1\r\na2\na3');
    fs.writeFileSync(path.join(dir, 'b.txt'), 'b1\nb2\n');
    fs.writeFileSync(path.join(dir, '.hidden'), 'no\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every line of every file in a directory once, bounded; CRLF and a last line without newline count', async () => {
    const w = new TestingSourceWiring(FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build(), 2);
    w.coordinator.start();
    await w.startReader(0);
    await w.startReader(1);
    await pollUntil(w, ended(w), 'the end of input');
    expect(lines(w).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('a reader waits for the chunk it is reading, also once no more splits will come (no busy polling)', async () => {
    const file = path.join(dir, 'a.txt');
    const reader = new TextLineSplitReader(testingReaderContext(), 4);
    reader.addSplits([{ splitId: file, path: file, offset: 0, length: fs.statSync(file).size, fileSize: fs.statSync(file).size }]);
    reader.notifyNoMoreSplits();
    const got: string[] = [];
    const output = collectingOutput(got);
    expect(reader.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    let available = false;
    const wait = reader.isAvailable().then(() => (available = true));
    // The read is real I/O: it cannot complete within this turn's microtasks.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(available).toBe(false);
    await wait;
    for (let i = 0; i < 100 && reader.pollNext(output) !== InputStatus.END_OF_INPUT; i++) await reader.isAvailable();
    expect(got).toEqual(['a1', 'a2', 'a3']);
    await reader.close();
  });

  it('a file deleted after it was listed fails the reader with its path', async () => {
    const gone = path.join(dir, 'gone.txt');
    const reader = new TextLineSplitReader(testingReaderContext(), 4);
    reader.addSplits([{ splitId: gone, path: gone, offset: 0, length: 10, fileSize: 10 }]);
    reader.notifyNoMoreSplits();
    const output = collectingOutput<string>([]);
    let failure: unknown;
    for (let i = 0; i < 100 && failure === undefined; i++) {
      try {
        reader.pollNext(output);
        await reader.isAvailable();
      } catch (e) {
        failure = e;
      }
    }
    expect(failure).toMatchObject({ code: 'SOURCE_FILE_NOT_FOUND', message: expect.stringContaining(gone) as string });
    await reader.close();
  });

  it('a checkpoint keeps each file at its next line: restored at another parallelism, the rest is read once', async () => {
    const w = new TestingSourceWiring(FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build(), 2);
    w.coordinator.start();
    await w.startReader(0);
    await w.startReader(1);
    await pollUntil(w, () => lines(w).length >= 2, 'two lines');
    const before = lines(w);
    const cp = await w.checkpoint(1);

    const restored = new TestingSourceWiring(FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build(), 1);
    await restored.coordinator.resetToCheckpoint(1, cp.coordinator);
    restored.coordinator.start();
    await restored.startReader(0, cp.readers);
    await pollUntil(restored, ended(restored), 'the end of the restored input');
    expect([...before, ...lines(restored)].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('monitorContinuously reads files that appear later, each once, and never ends', async () => {
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).monitorContinuously(1000).build();
    const w = new TestingSourceWiring(source, 1);
    w.coordinator.start();
    await w.startReader(0);
    await pollUntil(w, () => lines(w).length === 5, 'the first files');
    fs.writeFileSync(path.join(dir, 'c.txt'), 'c1\n');
    w.clock.advance(1000);
    await pollUntil(w, () => lines(w).length === 6, 'the new file');
    w.clock.advance(1000);
    await pollUntil(w, () => true, 'another listing');
    expect(lines(w).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
    expect(w.readers[0]!.statuses).not.toContain(InputStatus.END_OF_INPUT);
    await w.coordinator.close();
  });
});

describe('FileSource over block splits', () => {
  let dir: string;
  let file: string;
  const content = Array.from({ length: 200 }, (_, i) => `line ${i} ${'é'.repeat(i % 5)}`);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-file-blocks-'));
    file = path.join(dir, 'big.txt');
    fs.writeFileSync(file, content.join('\r\n'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const source = () => FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).setMinSplitSize(1).setBlockSize(512).build();

  it('several readers share one file: each reads some of its blocks, all lines once', async () => {
    const w = new TestingSourceWiring(source(), 2);
    w.coordinator.start();
    await w.startReader(0);
    await w.startReader(1);
    await pollUntil(w, ended(w), 'the end of input');
    expect(lines(w).sort()).toEqual([...content].sort());
    expect(w.readers.map((r) => r!.output.values().length > 0)).toEqual([true, true]);
  });

  it('a reader asks for its next split only while it reads the last chunk of its current one: one that starts late still gets a block', async () => {
    // Two splits of about 1.4 KB at parallelism 2, read 100 bytes at a time.
    const w = new TestingSourceWiring(FileSource.forRecordStreamFormat(new TextLineInputFormat(), file).setMinSplitSize(1).setReadBufferSize(100).build(), 2);
    w.coordinator.start();
    await w.startReader(0);
    await pollUntil(w, () => lines(w).length >= 3, 'the first reader under way');
    await w.startReader(1);
    await pollUntil(w, ended(w), 'the end of input');
    expect(lines(w).sort()).toEqual([...content].sort());
    // Each reader read one of the two blocks (they split bytes, so about half the lines each).
    expect(w.readers.map((r) => r!.output.values().length > 50)).toEqual([true, true]);
  });

  it('a checkpoint mid-block restored at another parallelism reads exactly the rest (splits through their serializer)', async () => {
    const w = new TestingSourceWiring(source(), 2);
    w.coordinator.start();
    await w.startReader(0);
    await w.startReader(1);
    await pollUntil(w, () => lines(w).length >= 30, 'thirty lines');
    const before = lines(w);
    const cp = await w.checkpoint(1);

    const restored = new TestingSourceWiring(source(), 1);
    await restored.coordinator.resetToCheckpoint(1, cp.coordinator);
    restored.coordinator.start();
    await restored.startReader(0, cp.readers);
    await pollUntil(restored, ended(restored), 'the end of the restored input');
    expect([...before, ...lines(restored)].sort()).toEqual([...content].sort());
  });

  it('restores a checkpoint taken before block splits (whole-file splits in the runtime msgpack form)', async () => {
    // The source as it was: whole-file splits { offset: next line, length: file size }, no split serializer.
    const current = FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build();
    const oldForm = (s: FileSourceSplit) => ({ splitId: s.splitId, path: s.path, offset: s.position ?? s.offset, length: s.fileSize });
    const before: Source<string, FileSourceSplit, unknown> = {
      getBoundedness: () => current.getBoundedness(),
      createEnumerator: (context) => {
        const enumerator = current.createEnumerator(context);
        const snapshotState = enumerator.snapshotState.bind(enumerator);
        return Object.assign(enumerator, {
          snapshotState: async (id: number) => {
            const state = await snapshotState(id);
            return { ...state, pending: state.pending.map(oldForm) };
          },
        });
      },
      restoreEnumerator: () => {
        throw new Error('not restored');
      },
      createReader: (context) => {
        const reader = current.createReader(context);
        const snapshotState = reader.snapshotState.bind(reader);
        return Object.assign(reader, { snapshotState: (id: number) => snapshotState(id).map(oldForm) as unknown as FileSourceSplit[] });
      },
    };
    fs.writeFileSync(path.join(dir, 'small.txt'), 's1\ns2\ns3\n');
    fs.writeFileSync(path.join(dir, 'tiny.txt'), 't1');
    const w = new TestingSourceWiring(before, 1);
    w.coordinator.start();
    await w.startReader(0);
    await pollUntil(w, () => lines(w).length >= 5, 'five lines');
    const read = lines(w);
    const cp = await w.checkpoint(1);
    // The enumerator still holds a split in the old form (the reader asks for one split ahead).
    expect(unpack(cp.coordinator)).toEqual([1, { pending: [{ splitId: path.join(dir, 'tiny.txt'), path: path.join(dir, 'tiny.txt'), offset: 0, length: 2 }], processed: [] }]);

    const restored = new TestingSourceWiring(source(), 2);
    await restored.coordinator.resetToCheckpoint(1, cp.coordinator);
    restored.coordinator.start();
    // The list of splits is redistributed over the two readers.
    await restored.startReader(0, cp.readers);
    await restored.startReader(1, cp.readers);
    await pollUntil(restored, ended(restored), 'the end of the restored input');
    expect([...read, ...lines(restored)].sort()).toEqual([...content, 's1', 's2', 's3', 't1'].sort());
  });
});

describe('FileSource building', () => {
  it('is bounded unless it monitors, and refuses what it cannot read with the reason', () => {
    expect(FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data').build().getBoundedness()).toBe(Boundedness.BOUNDED);
    expect(FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data').monitorContinuously(1_000).build().getBoundedness()).toBe(Boundedness.CONTINUOUS_UNBOUNDED);
    expect(() => FileSource.forRecordStreamFormat(new TextLineInputFormat())).toThrow('FileSource.forRecordStreamFormat: give at least one path');
    expect(() => FileSource.forRecordStreamFormat({ charset: 'utf-8' } as TextLineInputFormat, '/data')).toThrow('only TextLineInputFormat is supported');
    expect(() => FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data').monitorContinuously(0)).toThrow('the interval must be > 0, got 0 ms');
    expect(() => FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data').monitorContinuously(-5)).toThrow('interval: must not be negative, got -5 ms');
    expect(() => FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data').setReadBufferSize(0)).toThrow('the read buffer size must be an integer >= 1, got 0');
    expect(() => FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data').setBlockSize(0.5)).toThrow('the block size must be an integer >= 1, got 0.5');
    expect(() => FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/data').setMinSplitSize(-1)).toThrow('the minimum split size must be an integer >= 1, got -1');
  });

  it('a path that does not exist fails the enumerator with the path', async () => {
    const missing = path.join(os.tmpdir(), `flott-no-such-${process.pid}`, 'input.txt');
    await expect(listFiles([missing])).rejects.toMatchObject({ code: 'SOURCE_FILE_NOT_FOUND', message: expect.stringContaining(missing) as string });
    // Any other failure says what was being done: a path below a regular file (ENOTDIR).
    const file = path.join(os.tmpdir(), `flott-plain-file-${process.pid}`);
    fs.writeFileSync(file, 'x');
    try {
      await expect(listFiles([path.join(file, 'below')])).rejects.toMatchObject({ code: 'FILE_IO_FAILED', message: expect.stringContaining('Listing') as string });
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
