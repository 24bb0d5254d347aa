/**
 * Unified sources (FLIP-27) end to end through the real `flott` binary: the SplitEnumerator runs in
 * the job's coordinator thread on the JobManager, readers in the tasks; a failure after a completed
 * checkpoint restores both, and a savepoint taken at parallelism 2 restores at 1 and 3. Each run's
 * printed sums and counts per key must equal what plain loops compute.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFlott } from './run-cli';

const JOB = 'packages/cli/test-jobs/source-jobs.ts';
const N = 4000;
const KEYS = 7;

/** `final <key> <sum> <count>` per key, sorted. */
function expectedSums(): string[] {
  const sums = new Map<number, [number, number]>();
  for (let v = 0; v < N; v++) {
    const [s, c] = sums.get(v % KEYS) ?? [0, 0];
    sums.set(v % KEYS, [s + v, c + 1]);
  }
  return [...sums].map(([k, [s, c]]) => `final ${k} ${s} ${c}`).sort();
}

/** The printed final lines (without the subtask prefix print adds at parallelism > 1), and the attempts that printed them. */
function printed(stdout: string): { sums: string[]; attempts: number[] } {
  const lines = stdout.split('\n').map((l) => /final (\d+) (\d+) (\d+) attempt (\d+)/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  return { sums: lines.map((m) => `final ${m[1]} ${m[2]} ${m[3]}`).sort(), attempts: lines.map((m) => Number(m[4])) };
}

describe('unified sources: split enumerators and readers checkpointed and restored', () => {
  let out: string;

  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-sources-'));
  });

  afterEach(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  const run = (parallelism: number, extra: string[], jobArgs: string[], rate = 2000) =>
    runFlott(
      [
        'run', '-q', '-p', String(parallelism),
        '-D', 'taskmanager.numberOfTaskSlots=4',
        '-D', 'execution.checkpointing.interval=100 ms',
        '-D', 'restart-strategy.type=fixed-delay',
        '-D', 'restart-strategy.fixed-delay.attempts=3',
        '-D', 'restart-strategy.fixed-delay.delay=0 ms',
        ...extra,
        JOB, '--n', String(N), '--rate', String(rate), ...jobArgs,
      ],
      120_000,
    );

  it('a failure-free run prints exactly the expected sums', async () => {
    const r = await run(2, [], []);
    expect(r.code).toBe(0);
    expect(printed(r.stdout)).toEqual({ sums: expectedSums(), attempts: Array(KEYS).fill(0) });
  });

  it('failing after a completed checkpoint, enumerator and readers restore from it: exactly the failure-free sums', async () => {
    const r = await run(2, [], ['--fail-after', '200']);
    expect(r.code).toBe(0);
    const { sums, attempts } = printed(r.stdout);
    expect(sums).toEqual(expectedSums());
    // Every keyed subtask printed from a restored attempt (the job failed over once).
    expect(attempts.every((a) => a >= 1)).toBe(true);
  }, 60_000);

  it.each([1, 3])('a savepoint taken at parallelism 2 restores the reader splits at parallelism %i: exactly the uninterrupted sums', async (p) => {
    const savepoints = path.join(out, 'savepoints');
    const markers = path.join(out, 'markers');
    fs.mkdirSync(markers);
    // Slower, so the stop reaches the readers long before they end, even on a loaded machine.
    const first = await run(2, [], ['--savepoint-after', '300', '--savepoint-dir', savepoints, '--marker-dir', markers], 500);
    expect(first.code).toBe(0);
    const { savepoint } = JSON.parse(first.stdout.trim().split('\n').pop()!) as { savepoint: string };
    expect(fs.existsSync(path.join(savepoint, '_metadata'))).toBe(true);
    expect(printed(first.stdout).sums).toEqual([]);

    const second = await run(p, ['-s', savepoint], []);
    expect(second.code).toBe(0);
    expect(printed(second.stdout).sums).toEqual(expectedSums());
  }, 90_000);

  it('restored at parallelism 1, one reader holds both splits, which span the same event time: no window loses a record', async () => {
    const size = 100;
    const savepoints = path.join(out, 'savepoints');
    const markers = path.join(out, 'markers');
    fs.mkdirSync(markers);
    const first = await run(2, [], ['--windows', String(size), '--savepoint-after', '300', '--savepoint-dir', savepoints, '--marker-dir', markers], 500);
    expect(first.code).toBe(0);
    const { savepoint } = JSON.parse(first.stdout.trim().split('\n').pop()!) as { savepoint: string };
    const second = await run(1, ['-s', savepoint], ['--windows', String(size)]);
    expect(second.code).toBe(0);
    expect(printed(second.stdout).sums).toEqual(expectedSums());
    // Windows fired before the stop printed in the first run, the rest in the second: together, every record once.
    expect([...windowLines(first.stdout), ...windowLines(second.stdout)].sort()).toEqual(expectedWindows(size));
  }, 90_000);
});

/** `window <key> <start> <count>` per key and window of the --windows mode (timestamps: see source-jobs.ts). */
function expectedWindows(size: number): string[] {
  const half = Math.ceil(N / 2);
  const counts = new Map<string, number>();
  for (let v = 0; v < N; v++) {
    const ts = v < half ? 2 * v : 2 * (v - half) + 1;
    const id = `${v % KEYS} ${ts - (ts % size)}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].map(([id, c]) => `window ${id} ${c}`).sort();
}

function windowLines(stdout: string): string[] {
  return stdout.split('\n').map((l) => /window (\d+) (\d+) (\d+)/.exec(l)).filter((m): m is RegExpExecArray => m !== null).map((m) => `window ${m[1]} ${m[2]} ${m[3]}`);
}

describe('readTextFile: one file cut into block splits, read by every subtask', () => {
  it('word count at parallelism 2 over one file prints the exact counts, and both readers read lines of it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-file-blocks-'));
    try {
      // 300 KB with multi-byte characters and CRLF, no newline at the end.
      const lines = Array.from({ length: 12_000 }, (_, i) => `w${i % 100} Wörd${i % 7} ünï ${i % 13 === 0 ? '' : 'a b c'}`);
      const file = path.join(dir, 'input.txt');
      fs.writeFileSync(file, lines.join('\r\n'));
      const expected = new Map<string, number>();
      for (const line of lines) {
        for (const w of line.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w) expected.set(w, (expected.get(w) ?? 0) + 1);
      }

      // 16 KB blocks: 19 splits, handed to whichever reader asks. A reader whose slot thread started late on a
      // loaded machine could still find them all taken (CI saw it): each reader waits at its first line until the
      // other has read one too (--rendezvous), so both read a share of the file.
      const rendezvous = path.join(dir, 'rendezvous');
      fs.mkdirSync(rendezvous);
      const r = await runFlott(['run', '-q', '-p', '2', '-D', 'taskmanager.numberOfTaskSlots=4', '-D', 'source.file.block-size=16 kb',
        'packages/cli/test-jobs/file-word-count.ts', '--input', file, '--rendezvous', rendezvous], 120_000);
      expect(r.code).toBe(0);
      const counts = new Map<string, number>();
      for (const line of r.stdout.split('\n').filter((l) => /^\d+> /.test(l))) {
        const [word, count] = JSON.parse(line.replace(/^\d+> /, '')) as [string, number];
        expect(counts.has(word)).toBe(false); // BATCH: one final count per word
        counts.set(word, count);
      }
      const perSubtask = [counts.get('#lines-of-subtask-0'), counts.get('#lines-of-subtask-1')];
      counts.delete('#lines-of-subtask-0');
      counts.delete('#lines-of-subtask-1');
      expect(counts).toEqual(expected);
      // Every line once, and each reader read a share of the one file.
      expect(perSubtask[0]! + perSubtask[1]!).toBe(lines.length);
      expect(perSubtask.every((n) => n !== undefined && n > 0)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
