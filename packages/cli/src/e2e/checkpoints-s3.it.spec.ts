/**
 * Checkpoints on S3 end to end: the checkpoint test job (keyed state and event-time windows into an
 * exactly-once sink) run by the real `flott` binary with `execution.checkpointing.dir: s3://...`
 * against s3rver (a real S3-protocol server process). Failed on purpose and restored from the latest
 * checkpoint, in the same run or with `flott run -s s3://...`, it must commit exactly the failure-free
 * output; the checkpoint objects are checked in the bucket.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listKeys, moveObjects, s3TestClient, useS3rver } from '@flott/fs-s3/testing';
import { committedLines, expectedLines, FIXED_DELAY_RESTARTS, restoreMarkers, runCheckpointJob } from './checkpoint-job-results';

// Records per second: slow enough that a subtask sees its failure point (counted from the first completed checkpoint,
// which takes longer on S3 than on a local disk) well before the input ends, on a loaded machine too.
const RATE = 1500;

/** The sink's committed lines and how many sink subtasks were restored from a checkpoint. */
function sinkOutput(out: string): { lines: string[]; restores: number } {
  return { lines: committedLines(out), restores: restoreMarkers(out).length };
}

describe('checkpoints on s3:// (s3rver): exactly-once recovery', () => {
  const server = useS3rver('flott-e2e');
  const expected = expectedLines();
  let out: string;
  let test = 0;
  let checkpoints: string;

  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-checkpoints-s3-'));
    checkpoints = `s3://${server().bucket}/run-${++test}/checkpoints`;
  });

  afterEach(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  const run = (parallelism: number, failAfter: number, extra: string[] = [], jobArgs: string[] = []) =>
    runCheckpointJob({
      parallelism,
      failAfter,
      out,
      rate: RATE,
      jobArgs,
      config: [
        '-D', 'execution.checkpointing.storage=filesystem',
        '-D', `execution.checkpointing.dir=${checkpoints}`,
        '-D', 'execution.checkpointing.file-state-size-threshold=0',
        ...Object.entries(server().config).flatMap(([key, value]) => ['-D', `${key}=${value}`]),
        ...extra,
      ],
    });
  const keys = (uri: string) => listKeys(s3TestClient(server()), uri);

  it('failing after 200 records and restoring from the latest checkpoint in the bucket commits exactly the failure-free output', async () => {
    const r = await run(2, 200, FIXED_DELAY_RESTARTS);
    expect(r.code).toBe(0);
    const { lines, restores } = sinkOutput(out);
    expect(lines).toEqual(expected);
    // Every sink subtask was restored from a checkpoint.
    expect(restores).toBe(4);
    // The job finished: its checkpoints were deleted from the bucket (NO_EXTERNALIZED_CHECKPOINTS).
    expect((await keys(checkpoints)).filter((k) => /\/chk-\d+\//.test(k))).toEqual([]);
  });

  it('a job that fails for good keeps its latest checkpoint in the bucket, and `flott run -s s3://.../chk-N` restores it exactly', async () => {
    const failed = await run(2, 200, ['-D', 'restart-strategy.type=none']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('injected failure after 200 records');
    const before = sinkOutput(out);
    expect(before.lines.length).toBeLessThan(expected.length);
    // The retained checkpoint (execution.checkpointing.num-retained: 1; a subsumed one may not be deleted yet when the job
    // fails at that moment): its metadata and its state files as objects of the job's directory. The latest one restores.
    const retained = await keys(checkpoints);
    const metadata = retained.filter((k) => k.endsWith('/_metadata'));
    expect(metadata.length).toBeGreaterThanOrEqual(1);
    for (const m of metadata) expect(m).toMatch(/^[0-9a-f]{32}\/chk-\d+\/_metadata$/);
    const latest = metadata.map((m) => m.slice(0, -'/_metadata'.length)).sort((a, b) => Number(a.split('chk-')[1]) - Number(b.split('chk-')[1])).pop()!;
    const chk = `${checkpoints}/${latest}`;
    expect(retained.filter((k) => k.startsWith(`${latest}/`) && !k.endsWith('/_metadata')).length).toBeGreaterThan(0);

    const restored = await run(2, 0, ['-s', chk]);
    expect(restored.code).toBe(0);
    const after = sinkOutput(out);
    expect(after.lines).toEqual(expected);
    expect(after.restores).toBe(4);
  });

  it('a savepoint written to s3:// at parallelism 2, moved to another prefix, restores from there at parallelism 1: together the two runs commit exactly the uninterrupted result', async () => {
    const savepoints = `s3://${server().bucket}/run-${test}/savepoints`;
    const first = await run(2, 0, [], ['--savepoint-after', '1000', '--savepoint-dir', savepoints]);
    expect(first.code).toBe(0);
    const { savepoint } = JSON.parse(first.stdout.trim().split('\n').pop()!) as { savepoint: string };
    expect(savepoint).toMatch(new RegExp(`^${savepoints}/savepoint-[0-9a-f]{6}-[0-9a-f]{12}$`));
    // Relocatable savepoints: its state files are named relative to its directory, so a copy restores
    // from its new place with the original gone (as after `aws s3 mv --recursive`).
    const moved = `s3://${server().bucket}/run-${test}/archive/moved`;
    const names = await moveObjects(s3TestClient(server()), savepoint, moved);
    expect(names).toContain('_metadata');
    expect(names.length).toBeGreaterThan(1);
    expect(await keys(savepoint)).toEqual([]);
    const second = await run(1, 0, ['-s', `${moved}/_metadata`]);
    expect(second.code).toBe(0);
    expect(sinkOutput(out).lines).toEqual(expected);
  });

  it('refuses an s3:// savepoint path without a savepoint, naming it, before anything runs', async () => {
    const missing = `s3://${server().bucket}/no-such-savepoint`;
    const r = await run(1, 0, ['-s', missing]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(missing);
    expect(sinkOutput(out).lines).toEqual([]);
  });
});
