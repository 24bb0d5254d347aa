/**
 * End-to-end latency (FLOTT_BENCH_ONLY=latency, issue 16): bench-jobs/latency.ts (events stamped at
 * creation; pass-through over a rebalance, or keyed and counted per key; the sink in other threads) at
 * p=2 through `flott run`. First each job's highest rate (unlimited generator, buffer timeout 100 ms,
 * FLOTT_BENCH_LATENCY_MAX_EVENTS events; the rate the sinks received them at, first to last), then at
 * half of it for FLOTT_BENCH_LATENCY_SECONDS (default 5) after one second of warm-up (not counted) with
 * `execution.buffer-timeout.interval` 0, 1 ms and 100 ms: p50, p99 and max of creation → sink. Baseline, in the same run at the same rates: one message per
 * event from one worker thread to another over a MessagePort (the floor of crossing threads here).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runFlott } from '../e2e/run-cli';

const MAX_EVENTS = Number(process.env.FLOTT_BENCH_LATENCY_MAX_EVENTS ?? 4_000_000);
const SECONDS = Number(process.env.FLOTT_BENCH_LATENCY_SECONDS ?? 5);
const JOB = 'packages/cli/bench-jobs/latency.ts';
const BUCKET_MS = 0.01;
const TIMEOUTS = ['0 ms', '1 ms', '100 ms'] as const;

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

interface LatencyRow {
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

async function runJob(keyed: boolean, events: number, rate: number, bufferTimeout: string, skip = 0): Promise<{ receivedRate: number; histogram: Map<number, number> }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-latency-'));
  try {
    const r = await runFlott(
      ['run', '-p', '2', '-D', 'taskmanager.numberOfTaskSlots=4', '-D', `execution.buffer-timeout.interval=${bufferTimeout}`,
        JOB, '--events', String(events), '--rate', String(rate), '--skip', String(skip), '--out', out, ...(keyed ? ['--keyed'] : [])],
      600_000,
    );
    if (r.code !== 0) throw new Error(`latency job failed: ${r.stderr.slice(-2000)}`);
    const histogram = new Map<number, number>();
    let [received, first, last] = [0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const f of fs.readdirSync(out)) {
      const sink = JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')) as { received: number; first: number; last: number; buckets: Array<[number, number]> };
      received += sink.received;
      first = Math.min(first, sink.first);
      last = Math.max(last, sink.last);
      for (const [bucket, n] of sink.buckets) histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
    }
    const counted = [...histogram.values()].reduce((a, b) => a + b, 0);
    if (received !== events || counted !== events - skip) throw new Error(`the latency job's sinks saw ${received} events (${counted} counted), expected ${events} (${events - skip})`);
    return { receivedRate: received / ((last - first) / 1000), histogram };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** `events` events at `rate` per second from one worker thread to another, a message per turn; the receiver's histogram of all after the first `skip`. */
async function baseline(events: number, rate: number, skip: number): Promise<Percentiles> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const now = () => performance.timeOrigin + performance.now();
    const { port, events, rate } = workerData;
    const start = performance.now();
    let sent = 0;
    const tick = () => {
      const due = Math.min(events, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      if (due > sent) {
        const batch = new Float64Array(2 * (due - sent));
        for (let i = 0; sent < due; sent++, i += 2) { batch[i] = sent; batch[i + 1] = now(); }
        port.postMessage(batch, [batch.buffer]);
      }
      if (sent < events) setImmediate(tick);
    };
    tick();`;
  const sink = `
    const { parentPort, workerData } = require('node:worker_threads');
    const now = () => performance.timeOrigin + performance.now();
    const { port, events, bucketMs, skip } = workerData;
    const buckets = new Map();
    let seen = 0;
    port.on('message', (batch) => {
      for (let i = 0; i < batch.length; i += 2) {
        const b = Math.max(0, Math.floor((now() - batch[i + 1]) / bucketMs));
        if (batch[i] >= skip) buckets.set(b, (buckets.get(b) ?? 0) + 1);
        seen++;
      }
      if (seen === events) { parentPort.postMessage([...buckets]); port.close(); }
    });`;
  const { port1, port2 } = new MessageChannel();
  const receiver = new Worker(sink, { eval: true, workerData: { port: port2, events, bucketMs: BUCKET_MS, skip }, transferList: [port2] });
  const histogram = new Promise<Array<[number, number]>>((resolve, reject) => {
    receiver.once('message', resolve);
    receiver.once('error', reject);
  });
  const sender = new Worker(source, { eval: true, workerData: { port: port1, events, rate }, transferList: [port1] });
  try {
    return percentiles(await histogram);
  } finally {
    await Promise.all([sender.terminate(), receiver.terminate()]);
  }
}

const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(0));

export async function runLatencyBench(): Promise<LatencyFigures> {
  const rows: LatencyRow[] = [];
  const maxRates: Record<string, number> = {};
  process.stdout.write('\n| latency, p=2 across threads, at half the highest rate (after 1 s of warm-up) | buffer timeout | rate | p50 | p99 | max | baseline (a MessagePort, a message per turn) p50 / p99 / max | target |\n|---|---|---|---|---|---|---|---|\n');
  for (const keyed of [false, true]) {
    const job = keyed ? 'keyed count' : 'pass-through';
    const highest = await runJob(keyed, MAX_EVENTS, 0, '100 ms');
    const rate = Math.round(highest.receivedRate / 2);
    maxRates[job] = Math.round(highest.receivedRate);
    for (const bufferTimeout of TIMEOUTS) {
      const events = Math.max(1000, Math.round(rate * (SECONDS + 1)));
      const flott = percentiles((await runJob(keyed, events, rate, bufferTimeout, rate)).histogram);
      const base = await baseline(events, rate, rate);
      rows.push({ job, bufferTimeout, rate, flott, baseline: base });
      const target = keyed && bufferTimeout === '1 ms' ? 'p99 ≤ 2 ms, max ≤ 20 ms' : '';
      process.stdout.write(
        `| ${job} | ${bufferTimeout} | ${(rate / 1000).toFixed(0)} K/s | ${ms(flott.p50)} ms | ${ms(flott.p99)} ms | ${ms(flott.max)} ms | ` +
          `${ms(base.p50)} / ${ms(base.p99)} / ${ms(base.max)} ms | ${target} |\n`,
      );
    }
  }
  return { latency: { maxRates, rows } };
}
