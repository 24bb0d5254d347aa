import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceOperatorTestHarness } from '@flott/runtime/testing';
import { SourceFileNotFoundError } from './connector-errors';
import { TextFileSource } from './text-file-source';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flott-text-source-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function readSplits(path: string, parallelism: number, readBufferSize = 64 * 1024): Promise<string[][]> {
  const parts: string[][] = [];
  for (let i = 0; i < parallelism; i++) {
    parts.push(await new SourceOperatorTestHarness(new TextFileSource(path, readBufferSize), { subtaskIndex: i, parallelism }).run(3));
  }
  return parts;
}

describe('TextFileSource', () => {
  const lines = ['alpha', 'beta', '', 'gamma delta', 'é ü ✓ multi-byte', 'x', 'last'];
  const cases: Array<[string, string]> = [
    ['trailing newline', lines.join('\n') + '\n'],
    ['no trailing newline', lines.join('\n')],
    ['CRLF line ends', lines.join('\r\n') + '\r\n'],
    ['CRLF without trailing newline', lines.join('\r\n')],
  ];

  for (const [label, content] of cases) {
    for (const parallelism of [1, 2, 3]) {
      for (const bufferSize of [4, 64 * 1024]) {
        it(`${label}: ${parallelism} subtask(s), ${bufferSize}-byte reads read every line exactly once, in order`, async () => {
          const path = file(`${label.replace(/\W/g, '_')}.txt`, content);
          const parts = await readSplits(path, parallelism, bufferSize);
          expect(parts.flat()).toEqual(lines);
          if (parallelism > 1) expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
        });
      }
    }
  }

  it('every split boundary position works (lines cut anywhere, 1..12 subtasks)', async () => {
    const content = 'a\nbb\n\nccc\r\ndddd\ne';
    const path = file('boundaries.txt', content);
    for (let p = 1; p <= 12; p++) {
      expect((await readSplits(path, p, 3)).flat()).toEqual(['a', 'bb', '', 'ccc', 'dddd', 'e']);
    }
  });

  it('a split that holds only the middle of a long line emits nothing', async () => {
    const path = file('long.txt', 'x'.repeat(100) + '\nend\n');
    expect(await readSplits(path, 4, 8)).toEqual([['x'.repeat(100)], [], [], ['end']]);
  });

  it('an empty file gives no lines; a file of one newline gives one empty line', async () => {
    expect((await readSplits(file('empty.txt', ''), 2)).flat()).toEqual([]);
    expect((await readSplits(file('nl.txt', '\n'), 2)).flat()).toEqual(['']);
  });

  it('a missing file fails open() with an error naming the path', async () => {
    const path = join(dir, 'does-not-exist.txt');
    const h = new SourceOperatorTestHarness(new TextFileSource(path));
    const opened = h.open();
    await expect(opened).rejects.toThrow(SourceFileNotFoundError);
    await expect(opened).rejects.toThrow(`'${path}' does not exist`);
  });
});
