import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
const { backend: kind, entries, localDirectory } = workerData;
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
const result = {
  entries: keyed.numEntries(), wrong, scanned, writeMs: written - started, readMs: read - written, scanMs: performance.now() - read,
  heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, directory: slot.directory,
};
keyed.dispose();
parentPort.postMessage(result);
`;

interface WorkerResult {
  readonly entries: number;
  readonly wrong: number;
  readonly scanned: number;
  readonly writeMs: number;
  readonly readMs: number;
  readonly scanMs: number;
  readonly heapUsedMb: number;
  readonly directory: string | undefined;
}

/** What the worker died of (plain data: the error comes from Node's realm, not jest's). */
interface WorkerFailure {
  readonly code: string | undefined;
  readonly message: string;
}

/** The worker's result, or the error it died of (out of memory, for the heap backend). */
function runWithHeapLimit(backend: 'lmdb' | 'hashmap', localDirectory: string): Promise<{ result?: WorkerResult; failure?: WorkerFailure }> {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { distIndex: DIST_INDEX, backend, entries: ENTRIES, localDirectory },
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

describe('state larger than the slot heap', () => {
  let localDirectory: string;
  beforeAll(() => {
    if (!existsSync(DIST_INDEX)) throw new Error(`${DIST_INDEX} is missing: build the package first (npm run build)`);
    localDirectory = mkdtempSync(join(tmpdir(), 'flott-lmdb-heap-'));
  });
  afterAll(() => rmSync(localDirectory, { recursive: true, force: true }));

  it(`works with lmdb and runs out of memory with hashmap (${ENTRIES} entries of ~200 bytes, ${HEAP_LIMIT_MB} MB heap)`, async () => {
    const { result: lmdb, failure } = await runWithHeapLimit('lmdb', localDirectory);
    expect(failure).toBeUndefined();
    if (!lmdb) return;
    expect(lmdb).toMatchObject({ entries: ENTRIES, wrong: 0, scanned: ENTRIES });
    expect(lmdb.heapUsedMb).toBeLessThan(HEAP_LIMIT_MB);
    // The slot's environment lived under the configured directory and went with its last keyed backend.
    expect(lmdb.directory?.startsWith(join(localDirectory, 'flott-lmdb-'))).toBe(true);
    expect(readdirSync(localDirectory)).toEqual([]);

    const heap = await runWithHeapLimit('hashmap', localDirectory);
    expect(heap.result).toBeUndefined();
    expect(heap.failure?.code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    // Figures for the record (jest prints them with --verbose).
    console.log(
      `lmdb: ${ENTRIES} entries written in ${lmdb.writeMs.toFixed(0)} ms, read in ${lmdb.readMs.toFixed(0)} ms, ` +
        `scanned in ${lmdb.scanMs.toFixed(0)} ms, heap ${lmdb.heapUsedMb.toFixed(1)} MB; hashmap: ${heap.failure?.message}`,
    );
  }, 2 * TIME_LIMIT_MS + 10_000);
});
