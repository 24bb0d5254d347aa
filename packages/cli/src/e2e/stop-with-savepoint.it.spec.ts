/**
 * Stop-with-savepoint end to end through the real `flott` binary (Flink's "Stopping a job gracefully
 * creating a final savepoint"), with the job client's stopWithSavepoint(drain, dir):
 * - without drain (SUSPEND): the job ends FINISHED, the exactly-once FileSinks committed exactly what
 *   came before the savepoint's barrier and no window fired early; a run restored from the savepoint
 *   adds exactly the rest (together: the failure-free output);
 * - with drain (TERMINATE): event time ends first, so every window of what was read is committed
 *   before the job ends FINISHED;
 * both for a legacy source (fromGenerator) and a unified one (FLIP-27 DataGeneratorSource).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { committedLines, expectedLines, KEYS, runCheckpointJob } from './checkpoint-job-results';
import { lastJsonLine, runFlott } from './run-cli';

/** Whether the committed running sums of each key are its first values, without a gap (records after the barrier were not). */
function sumsArePrefixesPerKey(lines: readonly string[]): boolean {
  const values = new Map<number, number[]>();
  for (const l of lines) {
    const m = /^sum (\d+) (\d+) /.exec(l);
    if (m) values.set(Number(m[1]), [...(values.get(Number(m[1])) ?? []), Number(m[2])]);
  }
  return [...values].every(([key, vs]) => vs.sort((a, b) => a - b).every((v, i) => v === key + i * KEYS));
}

/**
 * The runs that stop go slower than the others (records per second), so that on a loaded machine the
 * stop still comes long before the sources' end (a stop after a source finished fails, as it should).
 */
const STOPPED_RATE = 1000;
const FLIP27_STOPPED_RATE = 500;

describe('stop-with-savepoint: the job ends FINISHED, sinks committed up to the savepoint', () => {
  let out: string;
  let savepoints: string;

  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-stop-'));
    savepoints = path.join(out, 'savepoints');
  });

  afterEach(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('without drain: nothing after the barrier, no window fired early, and the restored run adds exactly the rest', async () => {
    const first = await runCheckpointJob({ parallelism: 2, failAfter: 0, out, rate: STOPPED_RATE, jobArgs: ['--savepoint-after', '1000', '--savepoint-dir', savepoints] });
    expect(first.code).toBe(0);
    const { savepoint, status } = lastJsonLine<{ savepoint: string; status: string }>(first);
    expect(status).toBe('FINISHED');
    expect(fs.existsSync(path.join(savepoint, '_metadata'))).toBe(true);
    const before = committedLines(out);
    expect(before.length).toBeGreaterThanOrEqual(1000);
    expect(before.length).toBeLessThan(expectedLines().length);
    // Every committed line is one of the failure-free run's: no window fired early (no MAX_WATERMARK
    // without drain). The sums' part files roll by size, so their tail is still in progress, held by the savepoint.
    const all = new Set(expectedLines());
    expect(before.filter((l) => !all.has(l))).toEqual([]);
    expect(sumsArePrefixesPerKey(before)).toBe(true);

    const second = await runCheckpointJob({ parallelism: 2, failAfter: 0, out, config: ['-s', savepoint] });
    expect(second.code).toBe(0);
    expect(committedLines(out)).toEqual(expectedLines());
  });

  it('with drain: every window of what was read is committed (event time ended), and the job ends FINISHED', async () => {
    const r = await runCheckpointJob({ parallelism: 2, failAfter: 0, out, rate: STOPPED_RATE, jobArgs: ['--savepoint-after', '1000', '--savepoint-dir', savepoints, '--drain'] });
    expect(r.code).toBe(0);
    const { savepoint, status } = lastJsonLine<{ savepoint: string; status: string }>(r);
    expect(status).toBe('FINISHED');
    expect(fs.existsSync(path.join(savepoint, '_metadata'))).toBe(true);
    const committed = committedLines(out);
    const read = committed.filter((l) => l.startsWith('sum ')).length;
    expect(read).toBeGreaterThanOrEqual(1000);
    expect(read).toBeLessThan(4000);
    // The sums of the values read, and the windows over exactly those values, partial last ones included.
    expect(committed).toEqual(expectedLines(false, read));
  });

  describe('a unified source (FLIP-27)', () => {
    const JOB = 'packages/cli/test-jobs/source-jobs.ts';
    const N = 4000;
    const runSources = (parallelism: number, extra: string[], jobArgs: string[], rate = 2000) =>
      runFlott(['run', '-q', '-p', String(parallelism), '-D', 'taskmanager.numberOfTaskSlots=4', '-D', 'execution.checkpointing.interval=100 ms',
        ...extra, JOB, '--n', String(N), '--rate', String(rate), ...jobArgs], 120_000);
    const finals = (stdout: string) => stdout.split('\n').map((l) => /final (\d+) (\d+) (\d+) attempt/.exec(l)).filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ key: Number(m[1]), sum: Number(m[2]), count: Number(m[3]) })).sort((a, b) => a.key - b.key);
    const expectedFinals = () => Array.from({ length: KEYS }, (_, key) => {
      let sum = 0;
      let count = 0;
      for (let v = key; v < N; v += KEYS) [sum, count] = [sum + v, count + 1];
      return { key, sum, count };
    });

    it('drain fires the end-of-time timers of what was read; restored from that savepoint, the state goes on to the full sums', async () => {
      const markers = path.join(out, 'markers');
      fs.mkdirSync(markers);
      const first = await runSources(2, [], ['--savepoint-after', '300', '--savepoint-dir', savepoints, '--marker-dir', markers, '--drain'], FLIP27_STOPPED_RATE);
      expect(first.code).toBe(0);
      const { savepoint, status } = lastJsonLine<{ savepoint: string; status: string }>(first);
      expect(status).toBe('FINISHED');
      const drained = finals(first.stdout);
      expect(drained.map((f) => f.key)).toEqual([...Array(KEYS).keys()]);
      const read = drained.reduce((n, f) => n + f.count, 0);
      expect(read).toBeGreaterThanOrEqual(300);
      expect(read).toBeLessThan(N);

      const second = await runSources(2, ['-s', savepoint], []);
      expect(second.code).toBe(0);
      expect(finals(second.stdout)).toEqual(expectedFinals());
    }, 90_000);

    it('without drain nothing fires; restored, exactly the uninterrupted sums', async () => {
      const markers = path.join(out, 'markers');
      fs.mkdirSync(markers);
      const first = await runSources(2, [], ['--savepoint-after', '300', '--savepoint-dir', savepoints, '--marker-dir', markers], FLIP27_STOPPED_RATE);
      expect(first.code).toBe(0);
      const { savepoint, status } = lastJsonLine<{ savepoint: string; status: string }>(first);
      expect(status).toBe('FINISHED');
      expect(finals(first.stdout)).toEqual([]);
      const second = await runSources(3, ['-s', savepoint], []);
      expect(second.code).toBe(0);
      expect(finals(second.stdout)).toEqual(expectedFinals());
    }, 90_000);
  });
});
