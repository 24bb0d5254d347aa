/**
 * End-to-end latency (FLOTT_BENCH_ONLY=latency, issue 16): bench-jobs/latency.ts (events stamped at
 * creation; pass-through over a rebalance, or keyed and counted per key; the sink in other threads) at
 * p=2, across threads (`flott run`, one TaskManager of 4 slot threads) and across processes (a
 * `flott cluster start` cluster of a JobManager and four TaskManager processes of one slot each, so
 * every record crosses a TCP connection between two of them; checked through the REST API: no
 * TaskManager runs both a source and a sink subtask). Two TaskManagers of two slots would not do: the
 * slot manager spreads each slot sharing group over both, so half the records would stay in a process. First each job's highest rate (unlimited generator, buffer timeout 100 ms,
 * FLOTT_BENCH_LATENCY_MAX_EVENTS events; the rate the sinks received them at, first to last), then at
 * half of it for FLOTT_BENCH_LATENCY_SECONDS (default 5) after one second of warm-up (events created then
 * are not counted) with `execution.buffer-timeout.interval` 0, 1 ms and 100 ms: p50, p99 and max of
 * creation → sink. Baseline, in the same run at the same rates and buffer timeouts: the job's shape
 * written by hand (latency-baseline.ts), over MessagePorts between threads or TCP between processes.
 * FLOTT_BENCH_LATENCY_ACROSS=threads or =processes runs only those rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalCluster } from '../e2e/local-cluster';
import { runFlott } from '../e2e/run-cli';
import { addBuckets, baselineLatency, type BaselineTransport } from './latency-baseline';

const MAX_EVENTS = Number(process.env.FLOTT_BENCH_LATENCY_MAX_EVENTS ?? 4_000_000);
const SECONDS = Number(process.env.FLOTT_BENCH_LATENCY_SECONDS ?? 5);
/** `threads`, `processes` or both (unset): which rows to run. */
const ACROSS = process.env.FLOTT_BENCH_LATENCY_ACROSS;
const WARMUP_MS = 1000;
const JOB = 'packages/cli/bench-jobs/latency.ts';
const BUCKET_MS = 0.01;
const TIMEOUTS = [0, 1, 100] as const;
/** Bound on one run of the job or the baseline. */
const RUN_TIMEOUT_MS = 600_000;

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

interface LatencyRow {
  readonly across: BaselineTransport;
  readonly job: string;
  readonly bufferTimeout: string;
  readonly rate: number;
  readonly flott: Percentiles;
  readonly baseline: Percentiles;
}

export interface LatencyFigures {
  readonly latency: { readonly maxRates: Record<string, number>; readonly rows: LatencyRow[] };
}

/** p50, p99 and max (ms) of a histogram of `BUCKET_MS` buckets: [bucket, count] pairs. */
export function percentiles(histogram: Iterable<readonly [number, number]>): Percentiles {
  const sorted = [...histogram].sort((a, b) => a[0] - b[0]);
  const count = sorted.reduce((n, [, c]) => n + c, 0);
  const at = (q: number): number => {
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (const [bucket, c] of sorted) {
      seen += c;
      if (seen >= rank) return (bucket + 1) * BUCKET_MS;
    }
    return Number.NaN;
  };
  return { p50: at(0.5), p99: at(0.99), max: count === 0 ? Number.NaN : (sorted[sorted.length - 1][0] + 1) * BUCKET_MS, count };
}

/** Where the job runs: its own local cluster per run (threads), or a session cluster of TaskManager processes. */
interface Target {
  readonly across: BaselineTransport;
  /** `flott run` arguments before the job file. */
  readonly runArgs: readonly string[];
  /** Throws unless every record of the job `jobId` crossed between processes. */
  checkPlacement(jobId: string): Promise<void>;
}

const threads: Target = {
  across: 'threads',
  runArgs: ['-D', 'taskmanager.numberOfTaskSlots=4'],
  checkPlacement: async () => {},
};

/** TaskManager processes of one slot each: checks that no TaskManager runs subtasks of both job vertices (source, sink). */
function processes(cluster: LocalCluster): Target {
  return {
    across: 'processes',
    runArgs: cluster.m,
    checkPlacement: async (jobId) => {
      const job = await cluster.rest<{ vertices: Array<{ id: string; name: string }> }>(`/jobs/${jobId}`);
      const placed = await Promise.all(job.vertices.map(async (v) => {
        const details = await cluster.rest<{ subtasks: Array<{ 'taskmanager-id': string }> }>(`/jobs/${jobId}/vertices/${v.id}`);
        return { name: v.name, taskManagers: new Set(details.subtasks.map((s) => s['taskmanager-id'])) };
      }));
      const [first, second] = placed;
      if (placed.length !== 2 || [...first.taskManagers].some((tm) => second.taskManagers.has(tm))) {
        throw new Error(`the latency job's records do not all cross between TaskManager processes: ${placed.map((p) => `${p.name} on ${[...p.taskManagers].join(', ')}`).join('; ')}`);
      }
    },
  };
}

async function runJob(target: Target, keyed: boolean, events: number, rate: number, bufferTimeoutMs: number, warmupMs = 0): Promise<{ receivedRate: number; histogram: Map<number, number> }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-latency-'));
  try {
    const r = await runFlott(
      ['run', ...target.runArgs, '-p', '2', '-D', `execution.buffer-timeout.interval=${bufferTimeoutMs} ms`,
        JOB, '--events', String(events), '--rate', String(rate), '--warmup-ms', String(warmupMs), '--out', out, ...(keyed ? ['--keyed'] : [])],
      RUN_TIMEOUT_MS,
    );
    if (r.code !== 0) throw new Error(`latency job failed: ${r.stderr.slice(-2000)}`);
    const jobId = /JobID ([0-9a-f]+)/.exec(r.stderr)?.[1];
    if (jobId === undefined) throw new Error(`no JobID in what flott run wrote: ${r.stderr.slice(-2000)}`);
    await target.checkPlacement(jobId);
    const histogram = new Map<number, number>();
    let [received, first, last] = [0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const f of fs.readdirSync(out)) {
      const sink = JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')) as { received: number; first: number; last: number; buckets: Array<[number, number]> };
      received += sink.received;
      first = Math.min(first, sink.first);
      last = Math.max(last, sink.last);
      addBuckets(histogram, sink.buckets);
    }
    if (received !== events) throw new Error(`the latency job's sinks saw ${received} events, expected ${events}`);
    return { receivedRate: received / ((last - first) / 1000), histogram };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(0));

async function rowsOn(target: Target, rows: LatencyRow[], maxRates: Record<string, number>): Promise<void> {
  for (const keyed of [false, true]) {
    const job = keyed ? 'keyed count' : 'pass-through';
    const highest = await runJob(target, keyed, MAX_EVENTS, 0, 100);
    const rate = Math.round(highest.receivedRate / 2);
    maxRates[`${job}, across ${target.across}`] = Math.round(highest.receivedRate);
    for (const bufferTimeoutMs of TIMEOUTS) {
      const events = Math.max(1000, Math.round(rate * (SECONDS + 1)));
      const flott = percentiles((await runJob(target, keyed, events, rate, bufferTimeoutMs, WARMUP_MS)).histogram);
      const base = percentiles(await baselineLatency({ transport: target.across, events, rate, bufferTimeoutMs, warmupMs: WARMUP_MS, bucketMs: BUCKET_MS, timeoutMs: RUN_TIMEOUT_MS }));
      rows.push({ across: target.across, job, bufferTimeout: `${bufferTimeoutMs} ms`, rate, flott, baseline: base });
      const target16 = keyed && bufferTimeoutMs === 1 ? 'p99 ≤ 2 ms, max ≤ 20 ms' : '';
      process.stdout.write(
        `| ${job} | ${target.across} | ${bufferTimeoutMs} ms | ${(rate / 1000).toFixed(0)} K/s | ${ms(flott.p50)} ms | ${ms(flott.p99)} ms | ${ms(flott.max)} ms | ` +
          `${ms(base.p50)} / ${ms(base.p99)} / ${ms(base.max)} ms | ${target16} |\n`,
      );
    }
  }
}

export async function runLatencyBench(): Promise<LatencyFigures> {
  const rows: LatencyRow[] = [];
  const maxRates: Record<string, number> = {};
  process.stdout.write(
    '\n| latency, p=2, at half the highest rate (after 1 s of warm-up) | across | buffer timeout | rate | p50 | p99 | max | baseline (the same shape by hand) p50 / p99 / max | target |\n' +
      '|---|---|---|---|---|---|---|---|---|\n',
  );
  if (ACROSS !== 'processes') await rowsOn(threads, rows, maxRates);
  if (ACROSS !== 'threads') await rowsAcrossProcesses(rows, maxRates);
  return { latency: { maxRates, rows } };
}

async function rowsAcrossProcesses(rows: LatencyRow[], maxRates: Record<string, number>): Promise<void> {
  const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
  try {
    await cluster.start(4);
    await rowsOn(processes(cluster), rows, maxRates);
    await cluster.stop();
  } finally {
    await cluster.kill();
  }
}
