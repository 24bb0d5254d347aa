import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expectedSum } from './pipeline-functions';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * Bench runs import bundled jobs as ES modules, which Jest's module system does not do: the built
 * run-job module runs in a plain Node process, as `npm run bench` runs it.
 */
function runBuilt(options: object): { sums: unknown[]; rates: number[]; records: number } {
  const script = `
    const { runBenchJob } = require(${JSON.stringify(path.join(REPO_ROOT, 'packages/cli/dist/bench/run-job.js'))});
    const sums = [];
    runBenchJob({ ...${JSON.stringify(options)}, check: (acc) => sums.push(acc.sum) })
      .then((r) => process.stdout.write(JSON.stringify({ sums, rates: r.rates, records: r.records })))
      .catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exitCode = 1; });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`bench run failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { sums: unknown[]; rates: number[]; records: number };
}

describe('bench job runs', () => {
  jest.setTimeout(90_000);

  it('runs copies of a job side by side, each over the whole input', () => {
    const records = 20_000;
    const result = runBuilt({
      jobFile: 'packages/cli/bench-jobs/pipeline.ts',
      slots: 2,
      parallelism: 1,
      copies: 2,
      args: ['--records', String(records)],
      records,
      repeats: 2,
    });
    // Two measured runs of two copies: four finished jobs, each with the whole input's sum.
    expect(result.sums).toEqual(Array.from({ length: 4 }, () => expectedSum(records)));
    expect(result.records).toBe(records);
    expect(result.rates).toHaveLength(2);
    for (const rate of result.rates) expect(rate).toBeGreaterThan(0);
  });
});
