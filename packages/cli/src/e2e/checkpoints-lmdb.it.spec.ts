/**
 * Incremental checkpoints end to end through the real `flott` binary: the checkpoint job of
 * checkpoints.it.spec.ts (keyed running sums and event-time windows into an exactly-once sink) on the
 * lmdb state backend with `execution.checkpointing.incremental`, failed on purpose and restored from
 * a chain of change files. The committed output must equal the failure-free result exactly, and the
 * job's `shared/` directory must hold exactly the files the retained checkpoint references (the
 * subsumed and aborted checkpoints' files deleted, none left behind).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeCheckpointMetadata, type CheckpointMetadata } from '@flott/runtime/internal';
import { committedLines, expectedLines, FIXED_DELAY_RESTARTS, restoreMarkers, runCheckpointJob } from './checkpoint-job-results';

/** The one retained checkpoint of the job's directory under `dir`: its metadata and its job directory. */
function retainedCheckpoint(dir: string): { metadata: CheckpointMetadata; jobDir: string; chkDir: string } {
  const [job] = fs.readdirSync(dir);
  const jobDir = path.join(dir, job);
  const checkpoints = fs.readdirSync(jobDir).filter((f) => f.startsWith('chk-'));
  expect(checkpoints).toHaveLength(1);
  const chkDir = path.join(jobDir, checkpoints[0]);
  const file = path.join(chkDir, '_metadata');
  return { metadata: decodeCheckpointMetadata(fs.readFileSync(file), file), jobDir, chkDir };
}

/** Names of the shared files the checkpoint's incremental keyed handles reference. */
function referencedSharedFiles(metadata: CheckpointMetadata): { files: string[]; longestChain: number } {
  const files = new Set<string>();
  let longestChain = 0;
  for (const op of metadata.operators) {
    for (const s of op.subtasks) {
      if (!s.keyed?.changes) continue;
      longestChain = Math.max(longestChain, s.keyed.changes.length);
      for (const h of [s.keyed.handle, ...s.keyed.changes]) if (h.kind === 'file') files.add(path.basename(new URL(h.uri).pathname));
    }
  }
  return { files: [...files].sort(), longestChain };
}

describe('checkpoints: lmdb with incremental checkpoints', () => {
  let out: string;
  const expected = expectedLines();
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-checkpoints-lmdb-'));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  const run = (parallelism: number, failAfter: number, extra: string[]) =>
    runCheckpointJob({
      parallelism,
      failAfter,
      out,
      config: [
        '-D', 'state.backend.type=lmdb',
        '-D', `state.backend.lmdb.localdir=${path.join(out, 'lmdb')}`,
        '-D', 'execution.checkpointing.incremental=true',
        '-D', 'execution.checkpointing.incremental.max-chain-length=3',
        '-D', 'execution.checkpointing.storage=filesystem',
        '-D', `execution.checkpointing.dir=${path.join(out, 'checkpoints')}`,
        '-D', 'execution.checkpointing.file-state-size-threshold=0',
        '-D', 'execution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION',
        ...extra,
      ],
    });

  it('fails, restores from the latest incremental checkpoint and commits exactly the failure-free output; shared/ holds exactly what the retained checkpoint needs', async () => {
    const r = await run(2, 500, FIXED_DELAY_RESTARTS);
    expect(r.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    expect(restoreMarkers(out).length).toBe(4);
    expect(fs.readdirSync(path.join(out, 'lmdb'))).toEqual([]);

    const { metadata, jobDir, chkDir } = retainedCheckpoint(path.join(out, 'checkpoints'));
    const { files, longestChain } = referencedSharedFiles(metadata);
    expect(files.length).toBeGreaterThan(0);
    expect(longestChain).toBeLessThanOrEqual(3);
    // Subsumed and aborted checkpoints' shared files are gone; the retained one's are all there.
    expect(fs.readdirSync(path.join(jobDir, 'shared')).sort()).toEqual(files);
    // Its own directory holds the metadata and the operator state, the keyed state is shared.
    expect(fs.readdirSync(chkDir).filter((f) => f.includes('keyed'))).toEqual([]);
  });

  it.each([1, 3])('a job that failed for good restores from its retained incremental checkpoint at parallelism %i: together the runs commit exactly the uninterrupted result', async (p) => {
    const first = await run(2, 800, ['-D', 'restart-strategy.type=none']);
    expect(first.code).not.toBe(0);
    const { metadata, chkDir } = retainedCheckpoint(path.join(out, 'checkpoints'));
    expect(referencedSharedFiles(metadata).files.length).toBeGreaterThan(0);
    const before = committedLines(out).length;
    expect(before).toBeLessThan(expected.length);

    const second = await run(p, 0, ['-s', chkDir]);
    expect(second.code).toBe(0);
    expect(committedLines(out)).toEqual(expected);
    expect(restoreMarkers(out).length).toBe(2 * p);
  });
});
