/**
 * BATCH execution (FLOTT_BENCH_ONLY=batch): the batch-shuffle test job (a sequence keyed and summed
 * over a blocking shuffle, written to files) at p=4 through `flott run`, with each scheduling strategy:
 * `pipelined-region` and `lazy-from-sources` on one slot (stages run one after another on the reused
 * slot), `eager` on the four slots it needs, and `pipelined-region` on four. Per row: the job's time
 * (the client's "Program execution finished in" line: submission to result) and the most slots it
 * held at once (the JobMaster's log). The baseline, in the same run: a plain loop computing the same
 * sums and writing the same lines.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFlott } from '../e2e/run-cli';
import { median } from './run-job';

const ROUNDS = Number(process.env.FLOTT_BENCH_BATCH_ROUNDS ?? 3);
const N = Number(process.env.FLOTT_BENCH_BATCH_RECORDS ?? 2_000_000);
const KEYS = 10_007;
const JOB = 'packages/cli/test-jobs/batch-shuffle.ts';

interface BatchRow {
  readonly scheduler: string;
  readonly slots: number;
  readonly jobMs: number[];
  readonly maxSlotsHeld: number[];
}

export interface BatchFigures {
  readonly batch: { readonly records: number; readonly rows: BatchRow[]; readonly baselineMs: number[] };
}

async function runOnce(scheduler: string, slots: number, out: string): Promise<{ jobMs: number; maxSlotsHeld: number }> {
  const r = await runFlott(
    ['run', '-p', '4', '-D', `taskmanager.numberOfTaskSlots=${slots}`, '-D', `jobmanager.scheduler=${scheduler}`, '-D', 'log.level=info',
      JOB, '--n', String(N), '--keys', String(KEYS), '--out', out],
    600_000,
  );
  if (r.code !== 0) throw new Error(`batch job with ${scheduler} on ${slots} slot(s) failed: ${r.stderr.slice(-2000)}`);
  const time = /Program execution finished in (\d+) ms/.exec(r.stdout + r.stderr);
  const held = /held at most (\d+) slot\(s\) at once/.exec(r.stderr);
  if (!time || !held) throw new Error(`batch job output lacks its time or slot count: ${r.stderr.slice(-2000)}`);
  return { jobMs: Number(time[1]), maxSlotsHeld: Number(held[1]) };
}

/** The same sums and lines as the job, in one loop. */
function baselineMs(out: string): number {
  const started = performance.now();
  const sums = new Map<string, number>();
  for (let i = 1; i <= N; i++) {
    const key = `k${i % KEYS}`;
    sums.set(key, (sums.get(key) ?? 0) + i);
  }
  fs.writeFileSync(out, [...sums].map(([k, s]) => `${k},${s}\n`).join(''));
  return performance.now() - started;
}

export async function runBatchBench(): Promise<BatchFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-batch-bench-'));
  const configs: Array<[string, number]> = [['pipelined-region', 1], ['lazy-from-sources', 1], ['eager', 4], ['pipelined-region', 4]];
  const rows: BatchRow[] = configs.map(([scheduler, slots]) => ({ scheduler, slots, jobMs: [], maxSlotsHeld: [] }));
  const baseline: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const row of rows) {
        const out = path.join(dir, `${row.scheduler}-${row.slots}-${round}`);
        const { jobMs, maxSlotsHeld } = await runOnce(row.scheduler, row.slots, out);
        row.jobMs.push(jobMs);
        row.maxSlotsHeld.push(maxSlotsHeld);
        fs.rmSync(out, { recursive: true, force: true });
      }
      baseline.push(baselineMs(path.join(dir, `baseline-${round}`)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ms = (xs: readonly number[]) => `${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  process.stdout.write(
    `| BATCH job, p=4, ${N / 1e6} M records, ${KEYS} keys | job time (median, rounds) | most slots held | baseline in the same run |\n|---|---|---|---|\n` +
      rows.map((r) => `| ${r.scheduler} on ${r.slots} slot(s) | ${ms(r.jobMs)} | ${Math.max(...r.maxSlotsHeld)} | ${ms(baseline)} (a plain loop: the same sums and lines) |\n`).join('') +
      '\n',
  );
  return { batch: { records: N, rows, baselineMs: baseline } };
}
