/**
 * Async I/O end to end (issue 17): jobs run by the real `flott` binary enrich the numbers 0..n-1 from an
 * HTTP service this test runs on loopback (random delays per request, some errors, some hangs). Each
 * case checks the exact output: order, watermarks, the capacity seen from the service's side, timeouts
 * and retries, and exactly-once output across a failure with checkpoints.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnrichmentService, type RequestBehavior } from './enrichment-service';
import { runFlott, type CliResult } from './run-cli';

const JOB = 'packages/cli/test-jobs/async-io-jobs.ts';
/** Seeds the service's delays; FLOTT_TEST_SEED=<n> varies them. */
const SEED = Number(process.env.FLOTT_TEST_SEED ?? 17);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Each job run is bounded by this; a test runs at most two (jest's default 30 s is too short on a loaded host). */
const JOB_TIMEOUT_MS = 120_000;
jest.setTimeout(2 * JOB_TIMEOUT_MS + 10_000);

describe('Async I/O against a loopback HTTP service', () => {
  let service: EnrichmentService | undefined;
  let out: string | undefined;

  afterEach(async () => {
    await service?.close();
    service = undefined;
    if (out) fs.rmSync(out, { recursive: true, force: true });
    out = undefined;
  });

  const start = async (delay: { min: number; max: number }, behavior?: (id: number, attempt: number) => RequestBehavior) => {
    service = await EnrichmentService.start({ delayMs: delay, seed: SEED, behavior });
    return service;
  };

  const run = (s: EnrichmentService, jobArgs: string[], config: string[] = []): Promise<CliResult> =>
    runFlott(['run', '-q', ...config, JOB, '--url', s.url, ...jobArgs], JOB_TIMEOUT_MS);

  /** The printed lines as [id, name, watermark seen]. */
  const printed = (r: CliResult) =>
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/^\d+> /, '').split(' '));

  it('orderedWait emits in input order although answers arrive in any order; at most `capacity` requests are in flight', async () => {
    // Answers take at least 5 ms, so the requests the task sends in one turn are all in flight at once.
    const s = await start({ min: 5, max: 15 });
    const r = await run(s, ['--n', '300', '--mode', 'ordered', '--capacity', '7']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(printed(r).map(([id, name]) => `${id} ${name}`)).toEqual(range(300).map((i) => `${i} item-${i}`));
    expect(s.requests).toBe(300);
    // The bound holds, and is reached: the operator keeps the queue full.
    expect(s.maxInFlight).toBe(7);
  });

  it('capacity 1 means one request at a time', async () => {
    const s = await start({ min: 0, max: 3 });
    const r = await run(s, ['--n', '60', '--mode', 'unordered', '--capacity', '1']);
    expect(r.code).toBe(0);
    expect(printed(r).map(([id]) => Number(id))).toEqual(range(60));
    expect(s.maxInFlight).toBe(1);
  });

  it('unorderedWait reorders between watermarks but never moves a record across one', async () => {
    const s = await start({ min: 0, max: 20 });
    const every = 10;
    const n = 400;
    const r = await run(s, ['--n', String(n), '--mode', 'unordered', '--capacity', '20', '--watermark-every', String(every)]);
    expect(r.code).toBe(0);
    const rows = printed(r);
    expect(rows.map(([id]) => Number(id)).sort((a, b) => a - b)).toEqual(range(n));
    // Each record arrives after the watermark that closed the previous group of `every` and before its own group's.
    for (const [id, , wm] of rows) {
      const group = Math.floor(Number(id) / every);
      expect(`${id} after ${wm}`).toBe(`${id} after ${group === 0 ? 'none' : group * every - 1}`);
    }
    // And the results did arrive out of order (unordered mode emits as they come).
    const ids = rows.map(([id]) => Number(id));
    expect(ids.some((id, i) => i > 0 && id < ids[i - 1])).toBe(true);
  });

  it('retries: errors and hung requests (aborted per attempt) are retried; every record gets its answer, with the attempts the service saw', async () => {
    // id % 5 == 1: two errors, then an answer; id % 7 == 3: hangs once, then answers; others at once. Each fetch gives up
    // after 1 s: a hung request then fails and is retried (so may, on a loaded host, a slow answer: the service counts those).
    const behavior = (id: number, attempt: number): RequestBehavior => {
      if (id % 5 === 1 && attempt <= 2) return 'error';
      if (id % 7 === 3 && attempt === 1) return 'hang';
      return 'ok';
    };
    const expectedAttempts = (s: EnrichmentService, id: number) => (id % 5 === 1 ? 3 : id % 7 === 3 ? 2 : 1) + (s.abandonedAnswers.get(id) ?? 0);
    for (const retry of ['fixed', 'exp']) {
      const s = await start({ min: 0, max: 5 }, behavior);
      const r = await run(s, ['--n', '120', '--mode', 'unordered', '--capacity', '16', '--retry', retry, '--attempt-timeout', '1000', '--timeout', '30000']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(printed(r).map(([id, name]) => `${id} ${name}`).sort()).toEqual(range(120).map((i) => `${i} item-${i}`).sort());
      expect(range(120).filter((id) => s.attempts.get(id) !== expectedAttempts(s, id))).toEqual([]);
      await s.close();
      service = undefined;
    }
  });

  it("timeouts: the function's timeout() answers for hung requests, without retries; the others keep their answers in order", async () => {
    const s = await start({ min: 0, max: 5 }, (id) => (id % 9 === 4 ? 'hang' : 'ok'));
    const r = await run(s, ['--n', '90', '--mode', 'ordered', '--capacity', '30', '--timeout', '2000', '--on-timeout', 'fallback']);
    expect(r.code).toBe(0);
    expect(printed(r).map(([id, name]) => `${id} ${name}`)).toEqual(range(90).map((i) => `${i} ${i % 9 === 4 ? 'timeout' : `item-${i}`}`));
    expect(s.requests).toBe(90);
  });

  it('a timeout without timeout() fails the job with an error naming the operator', async () => {
    const s = await start({ min: 0, max: 2 }, (id) => (id === 5 ? 'hang' : 'ok'));
    const r = await run(s, ['--n', '20', '--timeout', '1000']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Async function of operator 'async wait operator' timed out: no result within 1000 ms for input 5");
  });

  it('a rejected promise fails the job with the user error', async () => {
    const s = await start({ min: 0, max: 2 }, (id) => (id === 3 ? 'error' : 'ok'));
    const r = await run(s, ['--n', '20']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('enrichment service answered 503 for 3');
  });

  it('a failure mid-run with checkpoints and an exactly-once FileSink commits exactly the failure-free output', async () => {
    const n = 1500;
    const behavior = (id: number, attempt: number): RequestBehavior => (id % 13 === 6 && attempt === 1 ? 'error' : id % 17 === 8 && attempt === 1 ? 'hang' : 'ok');
    const expected = range(n).map((i) => `${i} item-${i}`).sort();
    const config = [
      '-D', 'execution.checkpointing.interval=100 ms',
      '-D', 'restart-strategy.type=fixed-delay', '-D', 'restart-strategy.fixed-delay.attempts=3', '-D', 'restart-strategy.fixed-delay.delay=0 ms',
    ];
    const args = ['--n', String(n), '--rate', '1500', '--mode', 'unordered', '--capacity', '50', '--retry', 'fixed', '--attempt-timeout', '1000'];
    const committed = (dir: string) =>
      fs
        .readdirSync(dir)
        .filter((f) => f.startsWith('part-'))
        .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
        .sort();

    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-async-io-'));
    const failureFree = path.join(out, 'failure-free');
    const failing = path.join(out, 'failing');
    fs.mkdirSync(failureFree);
    fs.mkdirSync(failing);

    let s = await start({ min: 0, max: 10 }, behavior);
    const clean = await run(s, [...args, '--out', failureFree], config);
    expect(clean.code).toBe(0);
    expect(committed(failureFree)).toEqual(expected);
    const cleanRequests = s.requests;
    await s.close();

    s = await start({ min: 0, max: 10 }, behavior);
    const r = await run(s, [...args, '--out', failing, '--fail-after', '200'], config);
    expect(r.code).toBe(0);
    expect(committed(failing)).toEqual(committed(failureFree));
    // The failure did happen: the restored attempt asked again for what the failed one had asked after the checkpoint.
    expect(s.requests).toBeGreaterThan(cleanRequests);
  });
});
