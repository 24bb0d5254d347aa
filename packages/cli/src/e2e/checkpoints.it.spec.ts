/**
 * Checkpoints and recovery end to end through the real `flott` binary: keyed state and event-time
 * windows into exactly-once FileSinks (Sink V2: writer, committer, two-phase commit), failed on
 * purpose after K records of the first attempt (K drawn from a seed) and restored from the latest
 * checkpoint. The committed output (the finished part files) must equal the failure-free result
 * exactly (no duplicates, no loss), which the test computes with plain loops.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { committedLines, expectedLines, FIXED_DELAY_RESTARTS, restoreMarkers, runCheckpointJob } from './checkpoint-job-results';
import { runFlott } from './run-cli';

/** Seeds the failure points; FLOTT_TEST_SEED=<n> reproduces (or varies) a run. */
const SEED = Number(process.env.FLOTT_TEST_SEED ?? 13);

/** Failure points K (records after the first completed checkpoint), from a seeded generator (mulberry32). */
function failurePoints(seed: number, count: number, min: number, max: number): number[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => min + Math.floor(next() * (max - min)));
}

describe('checkpoints: exactly-once recovery of keyed state and windows', () => {
  let out: string;
  const expected = expectedLines();

  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-checkpoints-'));
  });

  afterEach(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  const run = (parallelism: number, failAfter: number, extra: string[] = [], jobArgs: string[] = []) =>
    runCheckpointJob({ parallelism, failAfter, out, config: [...FIXED_DELAY_RESTARTS, ...extra], jobArgs });

  it('a failure-free run commits exactly the expected output', async () => {
    const r = await run(2, 0);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    expect(restoreMarkers(out)).toEqual([]);
    // Flink's part file names; nothing left hidden (in progress or pending) after the end of input.
    for (const dir of ['sums', 'windows']) {
      const files = fs.readdirSync(path.join(out, dir));
      expect(files.filter((f) => !/^part-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\d+$/.test(f))).toEqual([]);
    }
  });

  const [k1, k2, k3] = failurePoints(SEED, 3, 50, 1500);
  it.each([
    [1, k1],
    [2, k2],
    [2, k3],
  ])(`(seed ${SEED}) at parallelism %i, failing after %i records (counted from the first completed checkpoint) and restoring from the latest checkpoint, commits exactly the same`, async (p, failAfter) => {
    const r = await run(p, failAfter, ['-D', 'log.level=info']);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    // Every sink subtask was restored from a checkpoint (not started over from scratch), and the log says from which.
    expect(restoreMarkers(out).length).toBe(2 * p);
    expect(r.stderr).toMatch(/INFO: Restoring job [0-9a-f]{32} from checkpoint \d+\./);
  });

  it('with parallel sources every keyed subtask aligns barriers from two channels; timers and window state survive the restore', async () => {
    const r = await run(2, 300, [], ['--parallel-source']);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expectedLines(true));
    expect(restoreMarkers(out).length).toBe(4);
  });

  describe('checkpoints after tasks finish (FLIP-147)', () => {
    // Two pipelines in one job; a (300 records) finishes, with its final checkpoint, long before b (4000) fails; `full` restarts both.
    const twoPipelines = () => runFlott(
      [
        'run', '-q', '-p', '2', '-D', 'taskmanager.numberOfTaskSlots=4', '-D', 'execution.checkpointing.interval=100 ms',
        '-D', 'jobmanager.execution.failover-strategy=full', ...FIXED_DELAY_RESTARTS,
        'packages/cli/test-jobs/two-pipelines.ts', '--n', '4000', '--a-n', '300', '--rate', '2000', '--fail', 'b', '--fail-after', '1500', '--out', out,
      ],
      120_000,
    );

    it('a pipeline that finished is not run again when the job restarts later: both outputs are exact, and only b restored', async () => {
      const r = await twoPipelines();
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(committedLines(path.join(out, 'a'))).toEqual(expectedLines(false, 300));
      expect(committedLines(path.join(out, 'b'))).toEqual(expected);
      // The restart deployed a's tasks as finished (nothing of them ran again: a restored sink leaves a marker); b's sink subtasks restored their state.
      expect(restoreMarkers(path.join(out, 'a'))).toEqual([]);
      expect(restoreMarkers(path.join(out, 'b'))).toHaveLength(4);
    });
  });

  it('with the filesystem checkpoint storage: state files and metadata in the directory, retained ones deleted when the job finishes', async () => {
    const dir = path.join(out, 'checkpoints');
    const r = await run(2, 400, ['-D', 'execution.checkpointing.storage=filesystem', '-D', `execution.checkpointing.dir=${dir}`, '-D', 'execution.checkpointing.file-state-size-threshold=0']);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    expect(restoreMarkers(out).length).toBe(4);
    // The job finished: its retained checkpoint is gone (NO_EXTERNALIZED_CHECKPOINTS), the job's directory stays.
    const jobDirs = fs.readdirSync(dir);
    expect(jobDirs).toHaveLength(1);
    expect(fs.readdirSync(path.join(dir, jobDirs[0])).filter((f) => f.startsWith('chk-'))).toEqual([]);
  });

  it.each([1, 4])('a savepoint taken at parallelism 2 restores at parallelism %i: together the two runs commit exactly the uninterrupted result', async (p) => {
    const savepoints = path.join(out, 'savepoints');
    const first = await run(2, 0, [], ['--savepoint-after', '1000', '--savepoint-dir', savepoints]);
    expect(first.code).toBe(0);
    const { savepoint } = JSON.parse(first.stdout.trim().split('\n').pop()!) as { savepoint: string };
    expect(savepoint.startsWith(savepoints)).toBe(true);
    expect(fs.existsSync(path.join(savepoint, '_metadata'))).toBe(true);
    const before = committedLines(out).length;
    expect(before).toBeGreaterThanOrEqual(1000);
    expect(before).toBeLessThan(expected.length);

    const second = await run(p, 0, ['-s', savepoint]);
    expect(second.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    expect(restoreMarkers(out).length).toBe(2 * p);
  });

  it('a savepoint moved to another directory restores from there (relocatable savepoints): together the two runs commit exactly the uninterrupted result', async () => {
    const savepoints = path.join(out, 'savepoints');
    // Every piece of state in a file of its own (none inline in _metadata): the restore depends on finding them.
    const stateInFiles = ['-D', 'execution.checkpointing.storage=filesystem', '-D', `execution.checkpointing.dir=${path.join(out, 'checkpoints')}`,
      '-D', 'execution.checkpointing.file-state-size-threshold=0'];
    const first = await run(2, 0, stateInFiles, ['--savepoint-after', '1000', '--savepoint-dir', savepoints]);
    expect(first.code).toBe(0);
    const { savepoint } = JSON.parse(first.stdout.trim().split('\n').pop()!) as { savepoint: string };
    expect(fs.readdirSync(savepoint).filter((f) => f !== '_metadata').length).toBeGreaterThan(0);
    // Renamed too, and under a name a file:// URI must encode.
    const moved = path.join(out, 'archive', 'moved savepoint #1');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(savepoint, moved);
    expect(fs.readFileSync(path.join(moved, '_metadata')).includes(path.basename(savepoint))).toBe(false);

    const second = await run(2, 0, [...stateInFiles, '-s', moved]);
    expect(second.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    expect(restoreMarkers(out).length).toBe(4);
  });

  it('with the lmdb state backend, failing and restoring from the latest checkpoint commits exactly the same', async () => {
    const localdir = path.join(out, 'lmdb');
    const r = await run(2, 500, ['-D', 'state.backend.type=lmdb', '-D', `state.backend.lmdb.localdir=${localdir}`]);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    expect(restoreMarkers(out).length).toBe(4);
    expect(fs.readdirSync(localdir)).toEqual([]);
  });

  it('a savepoint taken on hashmap restores on lmdb, and one taken on lmdb restores on hashmap (the canonical format)', async () => {
    const savepoints = path.join(out, 'savepoints');
    const localdir = path.join(out, 'lmdb');
    const lmdb = ['-D', 'state.backend.type=lmdb', '-D', `state.backend.lmdb.localdir=${localdir}`];
    const savepointOf = (stdout: string) => (JSON.parse(stdout.trim().split('\n').pop()!) as { savepoint: string }).savepoint;

    const first = await run(2, 0, [], ['--savepoint-after', '1000', '--savepoint-dir', savepoints]);
    expect(first.code).toBe(0);
    const onHashmap = savepointOf(first.stdout);
    const second = await run(2, 0, [...lmdb, '-s', onHashmap], ['--savepoint-after', '2000', '--savepoint-dir', savepoints]);
    expect(second.code).toBe(0);
    const onLmdb = savepointOf(second.stdout);
    expect(onLmdb).not.toBe(onHashmap);
    expect(committedLines(out).length).toBeGreaterThanOrEqual(2000);
    expect(committedLines(out).length).toBeLessThan(expected.length);
    // The slots' LMDB environments were deleted with the job's keyed backends.
    expect(fs.readdirSync(localdir)).toEqual([]);

    const third = await run(3, 0, ['-s', onLmdb]);
    expect(third.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
  });

  it.each([
    ['unaligned checkpoints', ['-D', 'execution.checkpointing.unaligned.enabled=true']],
    ['aligned checkpoints that switch to unaligned after 20 ms', ['-D', 'execution.checkpointing.unaligned.enabled=true', '-D', 'execution.checkpointing.aligned-checkpoint-timeout=20 ms']],
  ])('with %s (the data in flight in the small buffers goes into the checkpoint), failing and restoring commits exactly the same', async (_, extra) => {
    const r = await run(2, 300, [...extra, '-D', 'taskmanager.memory.segment-size=256 b'], ['--parallel-source']);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expectedLines(true));
    expect(restoreMarkers(out).length).toBe(4);
  });

  it('refuses a savepoint path without a savepoint, naming it, before anything runs', async () => {
    const missing = path.join(out, 'no-such-savepoint');
    const r = await run(1, 0, ['-s', missing]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(missing);
    expect(committedLines(out)).toEqual([]);
  });

  it('at-least-once mode recovers exactly where every task has one input channel (parallelism 1: nothing to align)', async () => {
    const r = await run(1, 500, ['-D', 'execution.checkpointing.mode=AT_LEAST_ONCE']);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
  });
});
