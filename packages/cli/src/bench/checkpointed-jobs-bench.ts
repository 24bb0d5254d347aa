/**
 * `FLOTT_BENCH_ONLY=checkpointed-jobs npm run bench`: what checkpoints cost whole jobs.
 * - Nexmark q5, q8 and q9 at parallelism 1 with exactly-once checkpoints every 10 s
 *   (FLOTT_BENCH_CHECKPOINT_INTERVAL) to the filesystem storage, on hashmap and on lmdb, each against the
 *   same query on the same backend without checkpoints in the same run (the baseline; Flink's published
 *   Nexmark figures are with checkpoints and RocksDB). Runs are sized from the baseline's warm-up to FLOTT_BENCH_CHECKPOINTED_SECONDS
 *   (default 25) so that each holds at least two checkpoints; every variant processes the same events.
 * - Checkpoints under back-pressure (bench-jobs/backpressure.ts: a source faster than a slow map in
 *   another slot): the duration of aligned checkpoints against unaligned ones, every 500 ms.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JobDetailsInfo } from '@flott/runtime';

type CheckpointStatisticsEntry = NonNullable<JobDetailsInfo['checkpoints']>['history'][number];
import { fmtRate, median, runBenchJob } from './run-job';

const QUERIES = (process.env.FLOTT_BENCH_CHECKPOINTED_QUERIES ?? 'q5,q8,q9').split(',').map((q) => q.trim()).filter((q) => q !== '');
const INTERVAL = process.env.FLOTT_BENCH_CHECKPOINT_INTERVAL ?? '10 s';
const RUN_SECONDS = Number(process.env.FLOTT_BENCH_CHECKPOINTED_SECONDS ?? 25);
const WARMUP_EVENTS = 300_000;
const BACKPRESSURE_RECORDS = Number(process.env.FLOTT_BENCH_BACKPRESSURE_RECORDS ?? 300_000);

interface Run {
  readonly rate: number;
  readonly checkpoints: readonly CheckpointStatisticsEntry[];
}

function completed(details: JobDetailsInfo): CheckpointStatisticsEntry[] {
  return (details.checkpoints?.history ?? []).filter((c) => c.status === 'COMPLETED' && c.type === 'CHECKPOINT');
}

function checkpointSummary(run: Run): string {
  const durations = run.checkpoints.map((c) => c.endToEndDurationMs ?? 0);
  if (durations.length === 0) return 'none completed';
  const size = Math.max(...run.checkpoints.map((c) => c.stateSize));
  return `${durations.length} × ≤ ${Math.max(...durations).toFixed(0)} ms, ${(size / 1e6).toFixed(1)} MB`;
}

async function nexmarkRun(query: string, events: number | undefined, config: Record<string, unknown>): Promise<Run & { events: number }> {
  const checkpoints: CheckpointStatisticsEntry[] = [];
  const argsFor = (n: number) => ['--events', String(n)];
  const r = await runBenchJob({
    jobFile: path.join('examples/nexmark', `${query}.ts`),
    slots: 1,
    parallelism: 1,
    args: argsFor(events ?? WARMUP_EVENTS),
    records: events ?? WARMUP_EVENTS,
    repeats: 1,
    config,
    warmup: { args: argsFor(WARMUP_EVENTS), records: WARMUP_EVENTS },
    sizeFromWarmup: events === undefined
      ? (rate, warmed) => {
        const n = Math.max(WARMUP_EVENTS, Math.round((rate * RUN_SECONDS) / 100_000) * 100_000);
        // A short warm-up's rate is mostly the JIT's: warm up again at the size it suggests, and size from that.
        return { args: argsFor(n), records: n, warmAgain: warmed < n / 4 };
      }
      : undefined,
    details: (d) => {
      checkpoints.length = 0;
      checkpoints.push(...completed(d));
    },
  });
  return { rate: r.rate, checkpoints, events: r.records };
}

async function backpressureRun(unaligned: boolean, dir: string): Promise<Run> {
  const checkpoints: CheckpointStatisticsEntry[] = [];
  const r = await runBenchJob({
    jobFile: 'packages/cli/bench-jobs/backpressure.ts',
    slots: 2,
    parallelism: 1,
    args: ['--records', String(BACKPRESSURE_RECORDS), '--slow-us', '20'],
    records: BACKPRESSURE_RECORDS,
    repeats: 1,
    config: {
      // Small buffers: the buffers in flight hold a few thousand records, not the whole input.
      'taskmanager.memory.segment-size': '4 kb',
      'execution.checkpointing.interval': '500 ms',
      'execution.checkpointing.storage': 'filesystem',
      'execution.checkpointing.dir': path.join(dir, unaligned ? 'unaligned' : 'aligned'),
      'execution.checkpointing.unaligned.enabled': unaligned,
    },
    check: (acc) => {
      const expected = (BACKPRESSURE_RECORDS * (BACKPRESSURE_RECORDS - 1)) / 2;
      if (acc.sum !== expected) throw new Error(`backpressure job summed ${String(acc.sum)}, expected ${expected}`);
    },
    details: (d) => {
      checkpoints.length = 0;
      checkpoints.push(...completed(d));
    },
  });
  return { rate: r.rate, checkpoints };
}

export async function runCheckpointedJobsBench(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-checkpointed-'));
  try {
    const withCheckpoints = (backend: string, query: string) => ({
      'execution.checkpointing.interval': INTERVAL,
      'execution.checkpointing.storage': 'filesystem',
      'execution.checkpointing.dir': path.join(dir, `${query}-${backend}`),
      'state.backend.type': backend,
      'state.backend.lmdb.localdir': path.join(dir, 'lmdb'),
    });
    process.stdout.write(`\n| Nexmark, p=1, checkpoints every ${INTERVAL} | hashmap, no checkpoints | hashmap | ratio | its checkpoints | lmdb, no checkpoints | lmdb | ratio | its checkpoints |\n|---|---|---|---|---|---|---|---|---|\n`);
    const nexmark = [];
    for (const query of QUERIES) {
      process.stderr.write(`bench: ${query} with and without checkpoints (~${RUN_SECONDS} s per run)\n`);
      const none = await nexmarkRun(query, undefined, {});
      const hashmap = await nexmarkRun(query, none.events, withCheckpoints('hashmap', query));
      // lmdb is slower: its runs are sized on their own (the same length in time, the same events with and without checkpoints).
      const lmdbNone = await nexmarkRun(query, undefined, { 'state.backend.type': 'lmdb', 'state.backend.lmdb.localdir': path.join(dir, 'lmdb') });
      const lmdb = await nexmarkRun(query, lmdbNone.events, withCheckpoints('lmdb', query));
      const pct = (r: Run, of: Run) => `${((100 * r.rate) / of.rate).toFixed(0)} %`;
      process.stdout.write(`| ${query} (${(none.events / 1e6).toFixed(1)} M / ${(lmdbNone.events / 1e6).toFixed(1)} M events) | ${fmtRate(none.rate)} | ${fmtRate(hashmap.rate)} | ${pct(hashmap, none)} | ${checkpointSummary(hashmap)} | ` +
        `${fmtRate(lmdbNone.rate)} | ${fmtRate(lmdb.rate)} | ${pct(lmdb, lmdbNone)} | ${checkpointSummary(lmdb)} |\n`);
      nexmark.push({ query, events: none.events, none: none.rate, hashmap, lmdbEvents: lmdbNone.events, lmdbNone: lmdbNone.rate, lmdb });
    }
    process.stderr.write('bench: checkpoints under back-pressure, aligned and unaligned\n');
    const aligned = await backpressureRun(false, dir);
    const unaligned = await backpressureRun(true, dir);
    const durations = (r: Run) => r.checkpoints.map((c) => c.endToEndDurationMs ?? 0);
    process.stdout.write('\n| checkpoints every 500 ms under back-pressure | throughput | checkpoints completed | median duration | max duration |\n|---|---|---|---|---|\n');
    for (const [name, r] of [['aligned', aligned], ['unaligned', unaligned]] as const) {
      const d = durations(r);
      process.stdout.write(`| ${name} | ${fmtRate(r.rate)} | ${d.length} | ${d.length ? median(d).toFixed(0) : '-'} ms | ${d.length ? Math.max(...d).toFixed(0) : '-'} ms |\n`);
    }
    return { checkpointedNexmark: nexmark, backpressure: { aligned, unaligned } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
