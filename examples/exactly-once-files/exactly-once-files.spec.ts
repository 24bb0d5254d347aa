import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runExample } from '../run-example';
import { payment } from './exactly-once-files';

/** Every line of the finished part files under `dir` (in date-time bucket directories); hidden files are not output yet. */
function committedLines(dir: string): string[] {
  const lines: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.startsWith('part-')) lines.push(...fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8').split('\n').filter(Boolean));
  }
  return lines.sort();
}

describe('exactly-once-files example', () => {
  it('writes the sum per account and 1-second window once each into finished part files', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-example-files-'));
    try {
      const events = 5_000;
      const r = runExample(['-p', '2', 'examples/exactly-once-files/exactly-once-files.ts', '--out', out, '--events', String(events), '--rate', '5000']);
      expect(r.code).toBe(0);
      const sums = new Map<string, number>();
      for (let i = 0; i < events; i++) {
        const p = payment(i);
        const key = `${p.account} ${Math.floor(p.time / 1000) * 1000}`;
        sums.set(key, (sums.get(key) ?? 0) + p.cents);
      }
      expect(committedLines(out)).toEqual([...sums].map(([k, cents]) => `${k} ${cents}`).sort());
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
