/**
 * Async I/O (issue 17), in one run: (1) the throughput of an enrichment through orderedWait and unorderedWait against a
 * loopback HTTP service answering after 5 ms, at capacity 10, 100 and 1 000, beside the ceiling
 * capacity / latency (what the bound on requests in flight allows at most); (2) the cost of the async
 * stage itself: a function that resolves at once against the same work as a plain map. Beside each
 * enrichment row, the baseline: the same requests from a hand-written loop of `capacity` concurrent
 * requesters in a worker thread (a slot's kind of thread, no engine), which shows where the HTTP
 * client's CPU, not the bound, limits the rate. (Ordered mode also keeps answered requests in the
 * queue until those before them are answered, so fewer are in flight than its capacity.)
 * Knobs: FLOTT_BENCH_ASYNC_RECORDS (the immediate-function rows, default 1 M),
 * FLOTT_BENCH_ASYNC_SECONDS (each enrichment run is sized to about this long at its ceiling, default 1.5).
 */
import { Worker } from 'node:worker_threads';
import { EnrichmentService } from '../e2e/enrichment-service';
import { fmtRate, median, REPEATS, runBenchJob } from './run-job';

const LATENCY_MS = 5;
const CAPACITIES = [10, 100, 1000];
const IMMEDIATE_RECORDS = Number(process.env.FLOTT_BENCH_ASYNC_RECORDS ?? 1_000_000);
const SECONDS = Number(process.env.FLOTT_BENCH_ASYNC_SECONDS ?? 1.5);
/** Enrichment runs stop growing here: past it the HTTP round trips, not the bound, limit the rate. */
const MAX_ENRICH_RECORDS = 40_000;
const JOB = 'packages/cli/bench-jobs/async-enrichment.ts';

export interface AsyncIoFigures {
  readonly latencyMs: number;
  readonly enrichment: ReadonlyArray<{
    capacity: number;
    mode: 'ordered' | 'unordered';
    records: number;
    rate: number;
    rates: readonly number[];
    ceiling: number;
    maxInFlight: number;
    baseline: number;
    baselineRates: readonly number[];
  }>;
  readonly immediate: { records: number; asyncRate: number; mapRate: number; asyncRates: readonly number[]; mapRates: readonly number[] };
}

/** The hand-written baseline: `capacity` loops each sending its next request when the last answered, in a worker thread. */
const BASELINE_WORKER = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, records, capacity } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: capacity });
const get = (id) => new Promise((resolve, reject) => {
  http.get(url + '/enrich/' + id, { agent }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve(JSON.parse(body)));
  }).on('error', reject);
});
let next = 0;
let sum = 0;
const loop = async () => {
  while (next < records) {
    const row = await get(next++);
    sum += row.id;
  }
};
const start = performance.now();
Promise.all(Array.from({ length: capacity }, loop)).then(() => {
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  parentPort.postMessage({ rate: records / seconds, sum });
});
`;

async function baselineRate(url: string, records: number, capacity: number): Promise<number> {
  const worker = new Worker(BASELINE_WORKER, { eval: true, workerData: { url, records, capacity } });
  try {
    const { rate, sum } = await new Promise<{ rate: number; sum: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (sum !== (records * (records - 1)) / 2) throw new Error(`async bench baseline: sum ${sum}, expected ${(records * (records - 1)) / 2}`);
    return rate;
  } finally {
    await worker.terminate();
  }
}

/** Rates below 10 K/s with two decimals (fmtRate rounds them to whole thousands). */
const fmt = (r: number) => (r < 10_000 ? `${(r / 1e3).toFixed(2)} K/s` : fmtRate(r));

function checkRecords(records: number) {
  const sum = (records * (records - 1)) / 2;
  return (acc: Readonly<Record<string, unknown>>) => {
    if (acc.records !== records || acc.sum !== sum) throw new Error(`async bench: ${String(acc.records)} records summing to ${String(acc.sum)}, expected ${records} / ${sum}`);
  };
}

export async function runAsyncIoBench(): Promise<{ asyncIo: AsyncIoFigures }> {
  const enrichment = [];
  for (const capacity of CAPACITIES) {
    const service = await EnrichmentService.start({ delayMs: { min: LATENCY_MS, max: LATENCY_MS } });
    try {
      const ceiling = (capacity * 1000) / LATENCY_MS;
      const records = Math.min(MAX_ENRICH_RECORDS, Math.round(ceiling * SECONDS));
      const warm = Math.max(capacity, Math.round(records / 4));
      const baselineRates: number[] = [];
      for (let i = 0; i < REPEATS; i++) baselineRates.push(await baselineRate(service.url, records, capacity));
      for (const mode of ['ordered', 'unordered'] as const) {
        service.maxInFlight = 0;
        const args = (n: number) => ['--records', String(n), '--capacity', String(capacity), '--url', service.url, ...(mode === 'unordered' ? ['--unordered'] : [])];
        const r = await runBenchJob({ jobFile: JOB, slots: 1, parallelism: 1, args: args(records), records, warmup: { args: args(warm), records: warm }, check: checkRecords(records) });
        enrichment.push({ capacity, mode, records, rate: r.rate, rates: r.rates, ceiling, maxInFlight: service.maxInFlight, baseline: median(baselineRates), baselineRates });
      }
    } finally {
      await service.close();
    }
  }
  const immediateArgs = (extra: string[]) => ['--records', String(IMMEDIATE_RECORDS), '--capacity', '100', ...extra];
  const warmup = (extra: string[]) => ({ args: ['--records', String(IMMEDIATE_RECORDS / 4), ...extra], records: IMMEDIATE_RECORDS / 4 });
  const asyncStage = await runBenchJob({ jobFile: JOB, slots: 1, parallelism: 1, args: immediateArgs([]), records: IMMEDIATE_RECORDS, warmup: warmup([]), check: checkRecords(IMMEDIATE_RECORDS) });
  const map = await runBenchJob({ jobFile: JOB, slots: 1, parallelism: 1, args: immediateArgs(['--map']), records: IMMEDIATE_RECORDS, warmup: warmup(['--map']), check: checkRecords(IMMEDIATE_RECORDS) });

  let table =
    `| async enrichment, loopback HTTP service answering after ${LATENCY_MS} ms, p=1 | records | records/s | ceiling (capacity / latency) | of ceiling | ` +
    `hand-written loop, same requests | of loop | most requests in flight (service) |\n|---|---|---|---|---|---|---|---|\n`;
  for (const e of enrichment) {
    const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)} %`;
    table += `| capacity ${e.capacity}, ${e.mode}Wait | ${e.records} | ${fmt(e.rate)} | ${fmt(e.ceiling)} | ${pct(e.rate, e.ceiling)} | ${fmt(e.baseline)} | ${pct(e.rate, e.baseline)} | ${e.maxInFlight} |\n`;
  }
  table += `\n| cost of the async stage, p=1 (${IMMEDIATE_RECORDS / 1e6} M records) | async stage, function resolving at once (capacity 100) | plain map | async / map |\n|---|---|---|---|\n`;
  table += `| records/s | ${fmtRate(asyncStage.rate)} | ${fmtRate(map.rate)} | ${((asyncStage.rate / map.rate) * 100).toFixed(1)} % |\n\n`;
  process.stdout.write(table);
  return {
    asyncIo: {
      latencyMs: LATENCY_MS,
      enrichment,
      immediate: { records: IMMEDIATE_RECORDS, asyncRate: asyncStage.rate, mapRate: map.rate, asyncRates: asyncStage.rates, mapRates: map.rates },
    },
  };
}
