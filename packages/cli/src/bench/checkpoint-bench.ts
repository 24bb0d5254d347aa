/**
 * `FLOTT_BENCH_ONLY=checkpoints npm run bench`: the cost of checkpoints on keyed state.
 * - A keyed job (bench-jobs/keyed-state.ts: a running count per key over 1 M keys) with exactly-once
 *   checkpoints every second to the filesystem storage, against the same job without checkpoints in
 *   the same run, on hashmap and on lmdb. Runs last about FLOTT_BENCH_STATE_SECONDS (default 8) each,
 *   sized per backend from a run without checkpoints (FLOTT_BENCH_STATE_RECORDS fixes the size).
 * - Per backend, in this process: the synchronous and asynchronous part of a full snapshot of 1 M keys
 *   streamed to the filesystem storage and its size; beside it the synchronous serialisation every
 *   checkpoint paid before snapshots were versioned (the baseline); for lmdb an incremental snapshot
 *   after 1 % of the keys changed; and the restore of the full file into a new backend.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration, type StateDescriptor } from '@flott/core';
import { decodeKeyedStateFile, encodeKeyedStateFile, prepareKeyedSnapshot, type KeyGroupSnapshot } from '@flott/runtime/internal';
import type { KeyedStateBackend, StateBackend } from '@flott/runtime/spi';
import { FileSystemCheckpointStorageFactory, HashMapStateBackend, LmdbStateBackend } from '@flott/state-backends';
import { fmtRate, median, REPEATS, runBenchJob } from './run-job';

const KEYS = Number(process.env.FLOTT_BENCH_STATE_KEYS ?? 1_000_000);
/** Records of every measured run when set; otherwise runs are sized per backend to about STATE_SECONDS without checkpoints. */
const FIXED_RECORDS = process.env.FLOTT_BENCH_STATE_RECORDS ? Number(process.env.FLOTT_BENCH_STATE_RECORDS) : undefined;
/**
 * Length of a measured run. A run is a bounded job: it starts, fills 1 M keys, and ends with a final
 * checkpoint (as Flink's bounded jobs do, so that sinks commit). Short runs weigh those fixed costs,
 * not the steady cost of a checkpoint every second: at 1.4 M records/s, 4 M records lasted 2.8 s and
 * held 2 periodic checkpoints. 8 s hold ~7.
 */
const STATE_SECONDS = Number(process.env.FLOTT_BENCH_STATE_SECONDS ?? 8);
/** Bounds of sized runs (records). */
const MIN_RECORDS = 4_000_000;
const MAX_RECORDS = 40_000_000;
/** The unmeasured first job on each run's cluster (the slot thread starts, the runtime's code gets optimised). */
const WARMUP_RECORDS = 1_000_000;
const MAX_PARALLELISM = 128;
const COUNT: StateDescriptor = { name: 'count', kind: 'value' };
/** Key i's key group (any spread will do; the runtime's murmur3 costs the same for every snapshot path). */
const keyGroupOf = (key: unknown): number => (key as number) % MAX_PARALLELISM;

function sumTo(n: number): number {
  return (n * (n + 1)) / 2;
}

/** The job's expected `sum`: every key k counts 1..(records with key k). */
function expectedJobSum(records: number, keys: number): number {
  const perKey = Math.floor(records / keys);
  const extra = records % keys;
  return (keys - extra) * sumTo(perKey) + extra * sumTo(perKey + 1);
}

/** The backends of the keyed job's rows (FLOTT_BENCH_CHECKPOINT_BACKENDS, default both). */
const JOB_BACKENDS = (process.env.FLOTT_BENCH_CHECKPOINT_BACKENDS ?? 'hashmap,lmdb').split(',').map((b) => b.trim()).filter((b) => b !== '');

/** Records for a run of about `seconds` at `rate`, in whole millions, within the bounds. */
export function recordsFor(rate: number, seconds: number): number {
  return Math.min(MAX_RECORDS, Math.max(MIN_RECORDS, Math.round((rate * seconds) / 1e6) * 1e6));
}

interface JobRow {
  readonly name: string;
  readonly records: number;
  readonly rate: number;
  readonly baseline: number;
  readonly rates: number[];
  readonly baselines: number[];
  /** Periodic checkpoints completed in each run with checkpoints (the final one of the bounded job included). */
  readonly checkpointsPerRun: number[];
  /** Every completed checkpoint's end-to-end duration, over all runs. */
  readonly durationsMs: number[];
}

/**
 * The keyed job without and with checkpoints, REPEATS runs each, interleaved (without, with, without,
 * …: load on a shared machine then falls on both alike), each on a cluster of its own after an
 * unmeasured warm-up job there; the medians. Runs are sized from a first run without checkpoints.
 */
async function jobRows(): Promise<JobRow[]> {
  const rows: JobRow[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-checkpoints-'));
  try {
    for (const backend of JOB_BACKENDS) {
      const run = (checkpoints: boolean, records: number, seen?: (durationsMs: number[]) => void) =>
        runBenchJob({
          jobFile: 'packages/cli/bench-jobs/keyed-state.ts',
          slots: 1,
          parallelism: 1,
          repeats: 1,
          args: ['--records', String(records), '--keys', String(KEYS)],
          records,
          warmup: { args: ['--records', String(WARMUP_RECORDS), '--keys', String(KEYS)], records: WARMUP_RECORDS },
          config: {
            'state.backend.type': backend,
            'state.backend.lmdb.localdir': path.join(dir, 'lmdb'),
            ...(checkpoints && {
              'execution.checkpointing.interval': '1 s',
              'execution.checkpointing.mode': 'EXACTLY_ONCE',
              'execution.checkpointing.storage': 'filesystem',
              'execution.checkpointing.dir': path.join(dir, 'checkpoints'),
            }),
          },
          check: (acc) => {
            // The warm-up job's sum is checked too: each job's keys start empty.
            const n = acc.records as number;
            if (acc.sum !== expectedJobSum(n, KEYS) || (n !== records && n !== WARMUP_RECORDS)) {
              throw new Error(`keyed-state job of ${n} records summed ${String(acc.sum)}, expected ${expectedJobSum(n, KEYS)}`);
            }
          },
          details: (d) => seen?.(
            (d.checkpoints?.history ?? []).filter((c) => c.status === 'COMPLETED' && c.type === 'CHECKPOINT').map((c) => c.endToEndDurationMs ?? 0),
          ),
        });
      const records = FIXED_RECORDS ?? recordsFor((await run(false, MIN_RECORDS / 2)).rate, STATE_SECONDS);
      process.stderr.write(`bench: keyed job on ${backend}, ${records / 1e6} M records per run\n`);
      const baselines: number[] = [];
      const rates: number[] = [];
      const checkpointsPerRun: number[] = [];
      const durationsMs: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        baselines.push((await run(false, records)).rate);
        let last: number[] = [];
        rates.push((await run(true, records, (d) => (last = d))).rate);
        checkpointsPerRun.push(last.length);
        durationsMs.push(...last);
      }
      rows.push({
        name: `keyed count, ${KEYS / 1e6} M keys, ${backend}: checkpoints every 1 s vs none`,
        records, rate: median(rates), baseline: median(baselines), rates, baselines, checkpointsPerRun, durationsMs,
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

interface SnapshotFigures {
  readonly backend: string;
  readonly fill: number;
  readonly syncBeforeMs: number;
  readonly syncMs: number;
  readonly asyncMs: number;
  readonly bytes: number;
  readonly incremental?: { readonly syncMs: number; readonly asyncMs: number; readonly bytes: number };
  readonly restoreMs: number;
}

function createKeyed(backend: StateBackend): KeyedStateBackend {
  return backend.createKeyedStateBackend({
    jobId: 'bench', operatorId: 'op', keyGroupRange: { startKeyGroup: 0, endKeyGroup: MAX_PARALLELISM - 1 }, maxParallelism: MAX_PARALLELISM, keyGroupOf,
  });
}

/** Streams one snapshot to the storage; returns its two parts' durations and the file's size. */
async function snapshotTo(dir: string, keyed: KeyedStateBackend, checkpointId: number, since?: number) {
  const storage = new FileSystemCheckpointStorageFactory().create(Configuration.fromRecord({ 'execution.checkpointing.dir': dir, 'execution.checkpointing.file-state-size-threshold': 0 }))
    .createCheckpointStorageAccess('bench');
  const location = await storage.initializeLocation(checkpointId);
  let t = performance.now();
  const snapshot = prepareKeyedSnapshot({ keyedBackend: keyed, operatorStateStore: { snapshotState: () => [], restoreState: () => undefined } }, checkpointId, MAX_PARALLELISM, since)!;
  const syncMs = performance.now() - t;
  t = performance.now();
  const handle = await storage.writeState(location, `keyed-${checkpointId}`, snapshot.chunks(), { scope: 'SHARED' });
  const asyncMs = performance.now() - t;
  snapshot.release();
  return { syncMs, asyncMs, bytes: handle.kind === 'file' ? handle.size : handle.data.byteLength, incremental: snapshot.incremental, handle, storage };
}

async function snapshotFigures(name: string, create: () => StateBackend): Promise<SnapshotFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-snapshots-'));
  const backend = create();
  try {
    const keyed = createKeyed(backend);
    let t = performance.now();
    for (let k = 0; k < KEYS; k++) {
      keyed.setCurrentKey(k);
      keyed.put(COUNT, k);
    }
    const fill = KEYS / ((performance.now() - t) / 1000);
    // Baseline: what the synchronous part did before snapshots were versioned (every entry serialised in the barrier's turn).
    t = performance.now();
    const groups: KeyGroupSnapshot[] = keyed.nonEmptyKeyGroups().map((keyGroup) => ({
      keyGroup, timers: [], states: [{ name: 'count', entries: [...keyed.entriesOfKeyGroup(keyGroup)].map((e) => ({ key: e.key, namespace: e.namespace, value: e.value })) }],
    }));
    encodeKeyedStateFile({ keyGroupRange: keyed.keyGroupRange, maxParallelism: MAX_PARALLELISM, groups });
    const syncBeforeMs = performance.now() - t;
    const full = await snapshotTo(dir, keyed, 1);
    keyed.notifyCheckpointComplete?.(1);
    let incremental: SnapshotFigures['incremental'];
    if (name === 'lmdb') {
      for (let k = 0; k < KEYS; k += 100) {
        keyed.setCurrentKey(k);
        keyed.put(COUNT, -k);
      }
      const changes = await snapshotTo(dir, keyed, 2, 1);
      if (!changes.incremental) throw new Error('lmdb wrote a full snapshot where changes were asked for');
      incremental = { syncMs: changes.syncMs, asyncMs: changes.asyncMs, bytes: changes.bytes };
    }
    keyed.dispose();
    t = performance.now();
    const restored = createKeyed(backend);
    const file = decodeKeyedStateFile(await full.storage.readState(full.handle), 'bench');
    for (const g of file.groups) for (const s of g.states) for (const e of s.entries) {
      restored.setCurrentKey(e.key);
      restored.put(COUNT, e.value);
    }
    const restoreMs = performance.now() - t;
    if (restored.numEntries() !== KEYS) throw new Error(`restored ${restored.numEntries()} entries, expected ${KEYS}`);
    restored.dispose();
    return { backend: name, fill, syncBeforeMs, syncMs: full.syncMs, asyncMs: full.asyncMs, bytes: full.bytes, incremental, restoreMs };
  } finally {
    if (backend instanceof LmdbStateBackend) backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`;

export async function runCheckpointBench(): Promise<Record<string, unknown>> {
  const lmdbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-lmdb-'));
  const figures: SnapshotFigures[] = [];
  try {
    figures.push(await snapshotFigures('hashmap', () => new HashMapStateBackend()));
    figures.push(await snapshotFigures('lmdb', () => new LmdbStateBackend({ localDirectory: lmdbDir, mapSize: 8 * 2 ** 30, writeBatchSize: 1000, writeBatchMemory: 4 << 20, incremental: true })));
  } finally {
    fs.rmSync(lmdbDir, { recursive: true, force: true });
  }
  process.stdout.write(`\n| snapshot of ${KEYS / 1e6} M keys | sync part (before: all serialised at the barrier) | sync part | async part | size | restore |\n|---|---|---|---|---|---|\n`);
  for (const f of figures) {
    process.stdout.write(`| ${f.backend}, full | ${ms(f.syncBeforeMs)} | ${ms(f.syncMs)} | ${ms(f.asyncMs)} | ${mb(f.bytes)} | ${ms(f.restoreMs)} |\n`);
    if (f.incremental) process.stdout.write(`| ${f.backend}, incremental (1 % of keys changed) | | ${ms(f.incremental.syncMs)} | ${ms(f.incremental.asyncMs)} | ${mb(f.incremental.bytes)} | |\n`);
  }
  const rows = await jobRows();
  process.stdout.write(`\n| job (median of ${REPEATS} interleaved runs each, after a warm-up job) | records per run | with checkpoints | without | ratio | mean of the pairs' ratios | checkpoints per run | their median / max duration | runs with | runs without |\n|---|---|---|---|---|---|---|---|---|---|\n`);
  for (const r of rows) {
    const d = r.durationsMs;
    // Run i with checkpoints followed run i without: the pair saw the same machine, the median of each side may not.
    const pairs = r.rates.map((rate, i) => rate / r.baselines[i]);
    const pairMean = pairs.reduce((a, b) => a + b, 0) / pairs.length;
    process.stdout.write(`| ${r.name} | ${r.records / 1e6} M | ${fmtRate(r.rate)} | ${fmtRate(r.baseline)} | ${((100 * r.rate) / r.baseline).toFixed(0)} % | ${(100 * pairMean).toFixed(1)} % | ` +
      `${r.checkpointsPerRun.join(' / ')} | ${d.length === 0 ? 'none' : `${ms(median(d))} / ${ms(Math.max(...d))}`} | ` +
      `${r.rates.map(fmtRate).join(' / ')} | ${r.baselines.map(fmtRate).join(' / ')} |\n`);
  }
  return { checkpoints: { snapshots: figures, jobs: rows } };
}
