import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePrinted, runExample } from '../run-example';
import { WORDS } from './words';

/** The same counting, done plainly: lower-case, split on anything that is not a letter or digit. */
function countWords(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const w of line.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

function printedCounts(lines: readonly string[]): Map<string, number> {
  const got = new Map<string, number>();
  for (const line of lines) {
    const [word, count] = parsePrinted<[string, number]>(line);
    expect(got.has(word)).toBe(false); // BATCH mode: one final line per word
    got.set(word, count);
  }
  return got;
}

describe('word-count example', () => {
  it('counts the built-in text', () => {
    const r = runExample(['examples/word-count/word-count.ts']);
    expect(r.code).toBe(0);
    expect(printedCounts(r.lines)).toEqual(countWords(WORDS));
  });

  it.each([1, 2])('counts a file at parallelism %i with 4 slots', (p) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-wc-'));
    const file = path.join(dir, 'input.txt');
    const text = Array.from({ length: 300 }, (_, i) => `Line ${i % 17} of the Text, with words; Ünïcode wörds ${i % 5}`);
    fs.writeFileSync(file, `${text.join('\r\n')}\n`);
    const r = runExample(['-p', String(p), '-D', 'taskmanager.numberOfTaskSlots=4', 'examples/word-count/word-count.ts', '--input', file]);
    expect(r.code).toBe(0);
    expect(printedCounts(r.lines)).toEqual(countWords(text));
    if (p === 2) expect(r.lines.every((l) => /^[12]> /.test(l))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
