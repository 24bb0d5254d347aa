/**
 * BATCH execution with blocking shuffles (execution.runtime-mode: batch): the shuffle's partitions are
 * written to local disk and read after their producers finished. With pipelined-region or
 * lazy-from-sources scheduling a job at parallelism 4 finishes on a single slot (each stage's tasks
 * run one after another on the reused slot); eager scheduling needs 4 slots and says so. On a cluster
 * of TaskManager processes, a consumer that fails after reading its input re-runs alone: the producers
 * keep attempt 0 and their finished partitions are read again. Expected output is computed here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useTemporaryDirectory } from '@flott/runtime/testing';
import { LocalCluster } from './local-cluster';
import { lastJsonLine, runFlott } from './run-cli';

const BATCH_SHUFFLE = 'packages/cli/test-jobs/batch-shuffle.ts';
const SUBMITTED = /Job has been submitted with JobID ([0-9a-f]{32})/;

/** The "k<j>,<sum>" lines the job must write for 1..n keyed by i % keys, sorted. */
function expectedSums(n: number, keys: number): string[] {
  const sums = new Map<string, number>();
  for (let i = 1; i <= n; i++) sums.set(`k${i % keys}`, (sums.get(`k${i % keys}`) ?? 0) + i);
  return [...sums].map(([k, s]) => `${k},${s}`).sort();
}

/** Every line of every file writeAsText wrote under `out`, sorted. */
function writtenLines(out: string): string[] {
  const files = fs.statSync(out).isDirectory() ? fs.readdirSync(out).map((f) => path.join(out, f)) : [out];
  return files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0)).sort();
}

describe('BATCH jobs with blocking shuffles', () => {
  const dir = useTemporaryDirectory('flott-batch-');

  const runOnOneSlot = (scheduler: string) =>
    runFlott(['run', '-p', '4', '-D', 'taskmanager.numberOfTaskSlots=1', '-D', `jobmanager.scheduler=${scheduler}`, BATCH_SHUFFLE, '--n', '20000', '--out', path.join(dir(), scheduler)], 120_000);

  it.each(['pipelined-region', 'lazy-from-sources'])('finishes at parallelism 4 on one slot with %s scheduling, with the exact sums', async (scheduler) => {
    const r = await runOnOneSlot(scheduler);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
    expect(writtenLines(path.join(dir(), scheduler))).toEqual(expectedSums(20_000, 97));
  }, 150_000);

  it('sorts a keyed input larger than its sort memory by spilling runs to disk, with the exact sums', async () => {
    const out = path.join(dir(), 'spilled');
    // The keyed sum combines each key's records while they are buffered: 50 021 keys (not 200 000 records) outgrow the 1 MB.
    const r = await runFlott(['run', '-p', '2', '-D', 'execution.sorted-inputs.memory=1mb', '-D', 'log.level=info', BATCH_SHUFFLE, '--n', '200000', '--keys', '50021', '--out', out], 150_000);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
    expect(writtenLines(out)).toEqual(expectedSums(200_000, 50021));
    expect(r.stderr).toMatch(/Sorted \d+ records of .* by key in \d+ run\(s\) spilled to disk/);
  }, 180_000);

  it('aggregates locally before the shuffle: each producer sends one record per key (or per max-keys), with the exact sums', async () => {
    const run = (name: string, ...options: string[]) =>
      runFlott(['run', '-p', '2', '-D', 'log.level=info', ...options.flatMap((o) => ['-D', o]), BATCH_SHUFFLE, '--n', '20000', '--keys', '97', '--out', path.join(dir(), name)], 120_000);
    const locally = (stderr: string) => [...stderr.matchAll(/aggregated (\d+) records for 'sum' locally into (\d+) before the shuffle/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const byDefault = await run('local');
    expect([byDefault.code, byDefault.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
    expect(writtenLines(path.join(dir(), 'local'))).toEqual(expectedSums(20_000, 97));
    // Two producers share the 20 000 records (how evenly depends on which reader asks for splits first),
    // 97 keys: each sends at most one record per key across the shuffle.
    const total = (counts: number[][], at: number) => counts.reduce((sum, c) => sum + c[at], 0);
    const counts = locally(byDefault.stderr);
    expect(counts).toHaveLength(2);
    expect(total(counts, 0)).toBe(20_000);
    for (const [recordsIn, out] of counts) expect(out).toBe(Math.min(recordsIn, 97));
    // At most 10 keys held, and the keys come round-robin: nearly every record goes out on its own.
    const bounded = await run('bounded', 'execution.batch.local-aggregation.max-keys=10');
    expect(bounded.code).toBe(0);
    expect(writtenLines(path.join(dir(), 'bounded'))).toEqual(expectedSums(20_000, 97));
    const boundedCounts = locally(bounded.stderr);
    expect(total(boundedCounts, 0)).toBe(20_000);
    expect(total(boundedCounts, 1)).toBeGreaterThan(2 * 97);
    const off = await run('off', 'execution.batch.local-aggregation.enabled=false');
    expect(off.code).toBe(0);
    expect(writtenLines(path.join(dir(), 'off'))).toEqual(expectedSums(20_000, 97));
    expect(locally(off.stderr)).toEqual([]);
  }, 240_000);

  it('lazy-from-sources also runs a streaming job: consumers are deployed once their producers report data', async () => {
    const r = await runFlott(['run', '-q', '-p', '2', '-D', 'taskmanager.numberOfTaskSlots=4', '-D', 'jobmanager.scheduler=lazy-from-sources',
      'packages/cli/test-jobs/pipelines.ts', '--case', 'rebalance', '--n', '5000'], 120_000);
    expect(r.code).toBe(0);
    const expected = Array.from({ length: 5000 }, (_, i) => i + 2).filter((x) => x % 5 !== 0);
    expect(lastJsonLine<number[]>(r).sort((a, b) => a - b)).toEqual(expected);
  }, 150_000);

  it('with eager scheduling, the same job needs a slot per parallel pipeline and fails at once saying so', async () => {
    const r = await runOnOneSlot('eager');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('needs 4 slot(s) but the cluster has 1');
  }, 150_000);
});

describe('BATCH failover with TaskManager processes', () => {
  const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
  const dir = useTemporaryDirectory('flott-batch-failover-');
  beforeAll(() => cluster.start(2), 120_000);
  afterAll(() => cluster.kill(), 30_000);

  it('re-runs only the failed consumer: the producers keep attempt 0 and their blocking results are read again', async () => {
    const out = path.join(dir(), 'out');
    const r = await runFlott(
      ['run', ...cluster.m, '-p', '2', '-D', 'restart-strategy.type=fixed-delay', '-D', 'restart-strategy.fixed-delay.delay=10 ms',
        BATCH_SHUFFLE, '--n', '50000', '--keys', '101', '--fail-subtask', '1', '--out', out],
      180_000,
    );
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
    expect(writtenLines(out)).toEqual(expectedSums(50_000, 101));
    const vertices = await cluster.vertexAttempts(SUBMITTED.exec(r.stderr)![1]);
    const producer = vertices.find((v) => v.name.includes('numbers'));
    const consumer = vertices.find((v) => v.name.includes('sum'));
    expect(vertices).toHaveLength(2);
    expect(producer?.attempts).toEqual([0, 0]);
    expect(consumer?.attempts).toEqual([0, 1]);
  }, 240_000);
});
