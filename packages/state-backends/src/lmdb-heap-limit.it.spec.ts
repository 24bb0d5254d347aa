import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// The test reads the checkpoint file it made back with the format's decoder (as the worker streams it with the runtime's snapshot path).
// eslint-disable-next-line no-restricted-imports
import { decodeKeyedStateFile } from '@flott/runtime/internal';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

// Slow: two worker threads with a slot's heap limit, one writing 2 M entries through LMDB. The
// worker runs the built package (dist/), as slot threads do; the Nx test target builds it first.
const DIST_INDEX = join(__dirname, '..', 'dist', 'index.js');
const HEAP_LIMIT_MB = 64;
const ENTRIES = 2_000_000;
const TIME_LIMIT_MS = 150_000;

/** Runs in the worker: writes ENTRIES values of about 200 bytes (serialised) and reads every one back. */
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const backends = require(workerData.distIndex);
const { Configuration } = require('node:module').createRequire(workerData.distIndex)('@flott/core');
const { prepareKeyedSnapshot } = require('node:module').createRequire(workerData.distIndex)('@flott/runtime/internal');
const { backend: kind, entries, localDirectory, checkpointDirectory } = workerData;
const factory = kind === 'lmdb' ? new backends.LmdbStateBackendFactory() : new backends.HashMapStateBackendFactory();
const slot = factory.create(Configuration.fromRecord({ 'state.backend.lmdb.localdir': localDirectory }));
const keyed = slot.createKeyedStateBackend({
  jobId: 'job', operatorId: 'op', keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 }, maxParallelism: 128,
  keyGroupOf: (key) => key % 128,
});
const STATE = { name: 'profile', kind: 'value' };
const valueOf = (i) => ({ id: i, user: 'user-' + i, payload: String(i).padStart(180, 'x') });
const started = performance.now();
for (let i = 0; i < entries; i++) {
  keyed.setCurrentKey(i);
  keyed.put(STATE, valueOf(i));
}
const written = performance.now();
let wrong = 0;
for (let i = 0; i < entries; i++) {
  keyed.setCurrentKey(i);
  const v = keyed.get(STATE);
  if (!v || v.id !== i || v.user !== 'user-' + i || v.payload !== valueOf(i).payload) wrong++;
}
const read = performance.now();
let scanned = 0;
for (const group of keyed.nonEmptyKeyGroups()) for (const _ of keyed.entriesOfKeyGroup(group)) scanned++;
const scannedAt = performance.now();

/**
 * A checkpoint of all of it through the runtime's snapshot path to the filesystem storage, while every
 * 7th key changes after the barrier (the snapshot must not see it): the file is several times the heap.
 */
async function checkpoint() {
  const storage = new backends.FileSystemCheckpointStorageFactory()
    .create(Configuration.fromRecord({ 'execution.checkpointing.dir': checkpointDirectory }))
    .createCheckpointStorageAccess('job');
  const location = await storage.initializeLocation(1);
  const snapshot = prepareKeyedSnapshot({ keyedBackend: keyed }, 1, 128);
  let next = 0;
  async function* changing() {
    for await (const chunk of snapshot.chunks()) {
      yield chunk;
      for (const end = Math.min(entries, next + entries / 64); next < end; next += 7) {
        keyed.setCurrentKey(next);
        keyed.put(STATE, { id: -next });
      }
    }
  }
  const handle = await storage.writeState(location, 'keyed', changing());
  snapshot.release();
  return { handle, changedAfterBarrier: Math.ceil(Math.min(next, entries) / 7) };
}

(kind === 'lmdb' ? checkpoint() : Promise.resolve({})).then(({ handle, changedAfterBarrier }) => {
  const result = {
    entries: keyed.numEntries(), wrong, scanned, writeMs: written - started, readMs: read - written, scanMs: scannedAt - read,
    checkpointMs: performance.now() - scannedAt, handle, changedAfterBarrier,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, directory: slot.directory,
  };
  keyed.dispose();
  parentPort.postMessage(result);
});
`;

interface WorkerResult {
  readonly entries: number;
  readonly wrong: number;
  readonly scanned: number;
  readonly writeMs: number;
  readonly readMs: number;
  readonly scanMs: number;
  readonly checkpointMs: number;
  readonly handle?: { readonly kind: string; readonly uri: string; readonly size: number };
  readonly changedAfterBarrier?: number;
  readonly heapUsedMb: number;
  readonly directory: string | undefined;
}

/** What the worker died of (plain data: the error comes from Node's realm, not jest's). */
interface WorkerFailure {
  readonly code: string | undefined;
  readonly message: string;
}

/** The worker's result, or the error it died of (out of memory, for the heap backend). */
function runWithHeapLimit(backend: 'lmdb' | 'hashmap', localDirectory: string, checkpointDirectory: string): Promise<{ result?: WorkerResult; failure?: WorkerFailure }> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { distIndex: DIST_INDEX, backend, entries: ENTRIES, localDirectory, checkpointDirectory },
    // As slot-thread.ts limits a slot's heap.
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
  });
  return new Promise((resolve) => {
    let settled: { result?: WorkerResult; failure?: WorkerFailure } | undefined;
    const timer = setTimeout(() => {
      settled = { failure: { code: 'TIMEOUT', message: `${backend} worker still running after ${TIME_LIMIT_MS} ms` } };
      void worker.terminate();
    }, TIME_LIMIT_MS);
    worker.on('message', (result: WorkerResult) => (settled ??= { result }));
    worker.on('error', (e: Error & { code?: string }) => (settled ??= { failure: { code: e.code, message: e.message } }));
    worker.on('exit', (code) => {
      clearTimeout(timer);
      resolve(settled ?? { failure: { code: undefined, message: `${backend} worker exited with ${code} and no result` } });
    });
  });
}

/**
 * The checkpoint the worker streamed holds every entry as at the barrier: the whole file is larger than
 * the worker's heap; two key groups are decoded here (with jest's heap) and compared value by value.
 */
async function expectBarrierState(lmdb: WorkerResult): Promise<void> {
  expect(lmdb.handle?.kind).toBe('file');
  expect(lmdb.changedAfterBarrier).toBeGreaterThan(ENTRIES / 7 - 2);
  const bytes = await readFile(fileURLToPath(lmdb.handle!.uri));
  expect(bytes.length).toBe(lmdb.handle!.size);
  expect(bytes.length).toBeGreaterThan(4 * HEAP_LIMIT_MB * 2 ** 20);
  const { groups } = decodeKeyedStateFile(bytes, 'keyed', { startKeyGroup: 0, endKeyGroup: 1 });
  const entries = groups.flatMap((g) => g.states.flatMap((s) => s.entries));
  expect(entries).toHaveLength((2 * ENTRIES) / 128);
  for (const { key, value } of entries) {
    const i = key as number;
    expect(value).toEqual({ id: i, user: `user-${i}`, payload: String(i).padStart(180, 'x') });
  }
}

describe('state larger than the slot heap', () => {
  let localDirectory: string;
  let checkpointDirectory: string;
  beforeAll(() => {
    if (!existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: build the package first (npm run build)`);
    localDirectory = mkdtempSync(join(tmpdir(), 'flott-lmdb-heap-'));
    checkpointDirectory = mkdtempSync(join(tmpdir(), 'flott-lmdb-heap-checkpoints-'));
  });
  afterAll(() => {
    rmSync(localDirectory, { recursive: true, force: true });
    rmSync(checkpointDirectory, { recursive: true, force: true });
  });

  it(`works and checkpoints with lmdb and runs out of memory with hashmap (${ENTRIES} entries of ~200 bytes, ${HEAP_LIMIT_MB} MB heap)`, async () => {
    const { result: lmdb, failure } = await runWithHeapLimit('lmdb', localDirectory, checkpointDirectory);
    expect(failure).toBeUndefined();
    if (!lmdb) return;
    expect(lmdb).toMatchObject({ entries: ENTRIES, wrong: 0, scanned: ENTRIES });
    expect(lmdb.heapUsedMb).toBeLessThan(HEAP_LIMIT_MB);
    // The slot's environment lived under the configured directory and went with its last keyed backend.
    expect(lmdb.directory?.startsWith(join(localDirectory, 'flott-lmdb-'))).toBe(true);
    expect(readdirSync(localDirectory)).toEqual([]);
    await expectBarrierState(lmdb);

    const heap = await runWithHeapLimit('hashmap', localDirectory, checkpointDirectory);
    expect(heap.result).toBeUndefined();
    expect(heap.failure?.code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    // Figures for the record (jest prints them with --verbose).
    console.log(
      `lmdb: ${ENTRIES} entries written in ${lmdb.writeMs.toFixed(0)} ms, read in ${lmdb.readMs.toFixed(0)} ms, ` +
        `scanned in ${lmdb.scanMs.toFixed(0)} ms, checkpointed (${(lmdb.handle!.size / 2 ** 20).toFixed(0)} MB) in ${lmdb.checkpointMs.toFixed(0)} ms, heap ${lmdb.heapUsedMb.toFixed(1)} MB; hashmap: ${heap.failure?.message}`,
    );
  }, 2 * TIME_LIMIT_MS + 10_000);
});
