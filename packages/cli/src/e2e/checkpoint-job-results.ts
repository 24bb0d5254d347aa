/**
 * What the checkpoint test job (test-jobs/checkpoint-jobs.ts) must commit and how the e2e specs run and
 * read it: shared by the recovery specs on local storage, lmdb with incremental checkpoints and S3.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runFlott, type CliResult } from './run-cli';

export const CHECKPOINT_JOB = 'packages/cli/test-jobs/checkpoint-jobs.ts';
export const N = 4000;
export const KEYS = 7;

/** Restarts at once, up to three times: a recovery test's failure is restored from within the same run. */
export const FIXED_DELAY_RESTARTS = ['-D', 'restart-strategy.type=fixed-delay', '-D', 'restart-strategy.fixed-delay.attempts=3', '-D', 'restart-strategy.fixed-delay.delay=0 ms'];

/**
 * What the job must commit: running sums per key (or, with parallel sources, the final sum and count
 * per key), and the sum per key and 100-wide event-time window; of the values 0..count-1 (a run that
 * stopped early, drained).
 */
export function expectedLines(finalOnly = false, count = N): string[] {
  const lines: string[] = [];
  const sums = new Map<number, number>();
  const windows = new Map<string, number>();
  for (let v = 0; v < count; v++) {
    const key = v % KEYS;
    const sum = (sums.get(key) ?? 0) + v;
    sums.set(key, sum);
    // The last number: the key's records so far (the job's Tally, state with a custom serializer).
    if (!finalOnly) lines.push(`sum ${key} ${v} ${sum} ${Math.floor(v / KEYS) + 1}`);
    const w = `${key} ${Math.floor(v / 100) * 100}`;
    windows.set(w, (windows.get(w) ?? 0) + v);
  }
  if (finalOnly) for (const [key, sum] of sums) lines.push(`final ${key} ${sum} ${Math.ceil((count - key) / KEYS)}`);
  for (const [w, s] of windows) lines.push(`window ${w} ${s}`);
  return lines.sort();
}

/** Every committed line: the FileSinks' finished part files (in-progress and pending ones are hidden: `.part-…`). */
export function committedLines(out: string): string[] {
  const lines: string[] = [];
  for (const dir of ['sums', 'windows']) {
    for (const f of fs.readdirSync(path.join(out, dir))) {
      if (!f.startsWith('part-') || f.endsWith('.tmp')) continue;
      lines.push(...fs.readFileSync(path.join(out, dir, f), 'utf8').split('\n').filter(Boolean));
    }
  }
  return lines.sort();
}

/** The markers each sink subtask restored from a checkpoint leaves in the output. */
export const restoreMarkers = (out: string): string[] => ['sums', 'windows'].flatMap((d) => fs.readdirSync(path.join(out, d)).filter((f) => f.startsWith('restored-')));

export interface CheckpointJobRun {
  readonly parallelism: number;
  /** Records after the first completed checkpoint before the keyed function throws (0: never). */
  readonly failAfter: number;
  readonly out: string;
  /** `-D` options beyond the slots and the 100 ms checkpoint interval every run has. */
  readonly config?: readonly string[];
  readonly jobArgs?: readonly string[];
  readonly rate?: number;
}

/**
 * A run's bound, below jest's 30 s per test (jest.preset.js): a run that hangs is killed and fails its test
 * with the process's output, instead of the test timing out with nothing to go on while the process lives
 * on for the old 120 s. A run takes ~5 s (the slowest case about 6 s, two on a loaded machine about 12 s).
 */
const CHECKPOINT_JOB_TIMEOUT_MS = 25_000;

/** Runs the checkpoint job through the real `flott` binary. */
export function runCheckpointJob({ parallelism, failAfter, out, config = [], jobArgs = [], rate = 2000 }: CheckpointJobRun): Promise<CliResult> {
  return runFlott(
    [
      'run', '-q', '-p', String(parallelism),
      '-D', 'taskmanager.numberOfTaskSlots=4',
      '-D', 'execution.checkpointing.interval=100 ms',
      ...config,
      CHECKPOINT_JOB, '--n', String(N), '--rate', String(rate), '--fail-after', String(failAfter), '--out', out, ...jobArgs,
    ],
    CHECKPOINT_JOB_TIMEOUT_MS,
  );
}
