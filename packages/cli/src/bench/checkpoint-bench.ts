/**
 * `FLOTT_BENCH_ONLY=checkpoints npm run bench`: the cost of checkpoints on keyed state.
 * - A keyed job (bench-jobs/keyed-state.ts: a running count per key over 1 M keys) with exactly-once
 *   checkpoints every second to the filesystem storage, against the same job without checkpoints in
 *   the same run, on hashmap and on lmdb.
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
const JOB_RECORDS = Number(process.env.FLOTT_BENCH_STATE_RECORDS ?? 4_000_000);
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

/**
 * The keyed job without and with checkpoints, REPEATS runs each, interleaved (without, with, without,
 * …: load on a shared machine then falls on both alike), each on a cluster of its own; the medians.
 */
async function jobRows(): Promise<Array<{ name: string; rate: number; baseline: number; rates: number[]; baselines: number[] }>> {
  const rows = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-checkpoints-'));
  try {
    for (const backend of JOB_BACKENDS) {
      const run = (checkpoints: boolean) =>
        runBenchJob({
          jobFile: 'packages/cli/bench-jobs/keyed-state.ts',
          slots: 1,
          parallelism: 1,
          repeats: 1,
          args: ['--records', String(JOB_RECORDS), '--keys', String(KEYS)],
          records: JOB_RECORDS,
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
            if (acc.sum !== expectedJobSum(JOB_RECORDS, KEYS)) throw new Error(`keyed-state job summed ${String(acc.sum)}, expected ${expectedJobSum(JOB_RECORDS, KEYS)}`);
          },
        });
      const baselines: number[] = [];
      const rates: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        baselines.push((await run(false)).rate);
        rates.push((await run(true)).rate);
      }
      rows.push({ name: `keyed count, ${KEYS / 1e6} M keys, ${backend}: checkpoints every 1 s vs none`, rate: median(rates), baseline: median(baselines), rates, baselines });
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
  process.stdout.write(`\n| job (median of ${REPEATS} interleaved runs each) | with checkpoints | without | ratio | runs with | runs without |\n|---|---|---|---|---|---|\n`);
  for (const r of rows) {
    process.stdout.write(`| ${r.name} | ${fmtRate(r.rate)} | ${fmtRate(r.baseline)} | ${((100 * r.rate) / r.baseline).toFixed(0)} % | ` +
      `${r.rates.map(fmtRate).join(' / ')} | ${r.baselines.map(fmtRate).join(' / ')} |\n`);
  }
  return { checkpoints: { snapshots: figures, jobs: rows } };
}
