import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputStatus } from '@flott/core';
import { SeededRandom } from '@flott/runtime';
import { createSplits, type FileSourceSplit } from './file-source-split';
import { collectingOutput, testingReaderContext } from '../testing-fixtures/source-reader-context';
import { TextLineSplitReader } from './text-line-split-reader';

/**
 * Reads `split` with a reader of its own, `chunkBytes` per I/O call: every line when `stopAfter` is
 * absent, else that many lines and then the reader's checkpoint of the split (undefined: finished).
 */
async function read(split: FileSourceSplit, chunkBytes: number, stopAfter?: number): Promise<{ lines: string[]; checkpoint?: FileSourceSplit }> {
  const reader = new TextLineSplitReader(testingReaderContext(), chunkBytes);
  reader.addSplits([split]);
  reader.notifyNoMoreSplits();
  const lines: string[] = [];
  const output = collectingOutput(lines);
  try {
    for (let calls = 0; calls < 100_000; calls++) {
      if (stopAfter !== undefined && lines.length === stopAfter) {
        const [checkpoint] = reader.snapshotState();
        return { lines, checkpoint };
      }
      const status = reader.pollNext(output);
      if (status === InputStatus.END_OF_INPUT) return { lines };
      if (status === InputStatus.NOTHING_AVAILABLE) await reader.isAvailable();
    }
    throw new Error('the reader did not end');
  } finally {
    await reader.close();
  }
}

/** The lines of `content` as the format defines them: "\n" ends a line, a "\r" before it is dropped, a last line without "\n" counts. */
function expectedLines(content: string): string[] {
  const lines = content.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Random lines of 0..12 characters of 1 to 4 UTF-8 bytes, some ending "\r\n", some empty, maybe no last "\n". */
function randomContent(random: SeededRandom, lineCount: number): string {
  const alphabet = ['a', 'b', 'z', ' ', '\r', 'é', 'ß', '€', '中', '😀'];
  const lines: string[] = [];
  for (let i = 0; i < lineCount; i++) {
    let line = '';
    const length = Math.floor(random.nextDouble() * 13);
    for (let c = 0; c < length; c++) line += alphabet[Math.floor(random.nextDouble() * alphabet.length)];
    lines.push(random.nextDouble() < 0.2 ? `${line}\r` : line);
  }
  return lines.join('\n') + (random.nextDouble() < 0.5 ? '\n' : '');
}

describe('TextLineSplitReader over block splits', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-line-splits-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(name: string, content: string): { path: string; size: number } {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return { path: file, size: fs.statSync(file).size };
  }

  async function readAll(splits: readonly FileSourceSplit[], chunkBytes: number): Promise<string[]> {
    const lines: string[] = [];
    for (const split of splits) lines.push(...(await read(split, chunkBytes)).lines);
    return lines;
  }

  it('reads every line exactly once, in order, across the splits of any block size (random UTF-8 content)', async () => {
    const random = new SeededRandom(16);
    for (let round = 0; round < 6; round++) {
      const content = randomContent(random, 5 + round * 7);
      const file = write(`random-${round}.txt`, content);
      const blockSizes = [1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 25, 40, 64, file.size - 1, file.size, file.size + 1];
      for (const blockSize of blockSizes.filter((b) => b >= 1)) {
        const splits = createSplits([file], 1, { blockSize, minSplitSize: 1 });
        for (const chunkBytes of [1, 3, 64 * 1024]) {
          const got = await readAll(splits, chunkBytes);
          if (JSON.stringify(got) !== JSON.stringify(expectedLines(content))) {
            throw new Error(`round ${round}, block ${blockSize}, chunk ${chunkBytes}: ${JSON.stringify(got)} != ${JSON.stringify(expectedLines(content))}`);
          }
        }
      }
    }
  });

  it('a line belongs to the split holding its first byte: lines at block boundaries, longer than a block, empty, CRLF', async () => {
    // 0:"ab\n" 3:"cd\r\n" 7:"\n" 8:"efghijklmn\n" 19:"o"
    const file = write('edges.txt', 'ab\ncd\r\n\nefghijklmn\no');
    const splits = createSplits([file], 1, { blockSize: 4, minSplitSize: 1 });
    expect(splits.map((s) => [s.offset, s.length])).toEqual([[0, 4], [4, 4], [8, 4], [12, 4], [16, 4]]);
    const perSplit = [];
    for (const split of splits) perSplit.push((await read(split, 2)).lines);
    // [0,4): "ab", and "cd" (starts at 3). [4,8): the empty line at 7. [8,12): the long line. [12,16): none. [16,20): "o".
    expect(perSplit).toEqual([['ab', 'cd'], [''], ['efghijklmn'], [], ['o']]);
  });

  it('a block boundary inside a multi-byte character splits nothing: the line is read whole by one split', async () => {
    const file = write('utf8.txt', '€€\n😀x\nß\n');
    for (let blockSize = 1; blockSize <= file.size; blockSize++) {
      expect(await readAll(createSplits([file], 1, { blockSize, minSplitSize: 1 }), 2)).toEqual(['€€', '😀x', 'ß']);
    }
  });

  it('a line over many chunks is read whole, and a checkpoint after it points past its bytes, not its characters', async () => {
    const long = '€'.repeat(40_000) + 'x\r';
    const file = write('long.txt', `a\n${long}\nb\r\nc`);
    const [split] = createSplits([file], 1, { blockSize: file.size, minSplitSize: 1 });
    expect((await read(split, 1000)).lines).toEqual(['a', long.slice(0, -1), 'b', 'c']);
    const { lines, checkpoint } = await read(split, 1000, 2);
    expect(lines).toEqual(['a', long.slice(0, -1)]);
    // "a\n" is 2 bytes, each '€' 3, then "x\r\n".
    expect(checkpoint?.position).toBe(2 + 3 * 40_000 + 3);
    expect((await read(checkpoint!, 1000)).lines).toEqual(['b', 'c']);
  });

  it('reads up to the size the file had when it was split: a file that grows or shrinks afterwards', async () => {
    const file = write('changing.txt', 'aaaa\nbbbb\ncc');
    const splits = createSplits([file], 2, { blockSize: 100, minSplitSize: 1 });
    fs.appendFileSync(file.path, 'cc\ndddd\n');
    expect(await readAll(splits, 3)).toEqual(['aaaa', 'bbbb', 'cc']);
    fs.writeFileSync(file.path, 'aaaa\nbb');
    expect(await readAll(splits, 3)).toEqual(['aaaa', 'bb']);
  });

  it('a checkpoint mid-split resumes at the next line: the restored reader reads exactly the rest, skipping nothing', async () => {
    const random = new SeededRandom(7);
    const content = randomContent(random, 40);
    const file = write('checkpointed.txt', content);
    for (const blockSize of [3, 10, 37]) {
      const splits = createSplits([file], 1, { blockSize, minSplitSize: 1 });
      for (const split of splits) {
        const { lines: all } = await read(split, 5);
        for (let stopAfter = 0; stopAfter <= all.length; stopAfter++) {
          const first = await read(split, 5, stopAfter);
          if (first.checkpoint === undefined) {
            expect(first.lines).toEqual(all);
            continue;
          }
          const rest = await read(first.checkpoint, 5);
          expect([...first.lines, ...rest.lines]).toEqual(all);
          if (stopAfter > 0) expect(first.checkpoint.position).toBeDefined();
        }
      }
    }
  });

  it('a split restored at a line start that is also its offset skips nothing; a fresh one there keeps its line too', async () => {
    const file = write('aligned.txt', 'ab\ncd\nef\n');
    const fresh: FileSourceSplit = { splitId: 's', path: file.path, offset: 3, length: 3, fileSize: file.size };
    expect((await read(fresh, 4)).lines).toEqual(['cd']);
    expect((await read({ ...fresh, position: 3 }, 4)).lines).toEqual(['cd']);
    expect((await read({ ...fresh, position: 6 }, 4)).lines).toEqual([]);
    // While a fresh split skips its partial first line it has not moved: its checkpoint is the split as it came.
    const midLine: FileSourceSplit = { ...fresh, offset: 4, length: 2 };
    const reader = new TextLineSplitReader(testingReaderContext(), 1);
    reader.addSplits([midLine]);
    const lines: string[] = [];
    expect(reader.pollNext(collectingOutput(lines))).toBe(InputStatus.NOTHING_AVAILABLE);
    await reader.isAvailable();
    expect(reader.snapshotState()).toEqual([midLine]);
    await reader.close();
  });
});
