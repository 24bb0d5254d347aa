/**
 * Chaos on a cluster of real processes: the checkpoint job (exactly-once FileSinks) runs at p=2 on
 * one-slot TaskManagers while TaskManager processes running its tasks are killed with SIGKILL at
 * seeded random moments, ten times, each replaced by a new TaskManager process. The committed output
 * must equal what a failure-free run commits (expectedLines), whatever the moments were. The seed is
 * FLOTT_CHAOS_SEED (default 20261204) and is part of every failure message, so a failing run replays.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive, SeededRandom } from '@flott/runtime';
import { CHECKPOINT_JOB, committedLines, expectedLines } from './checkpoint-job-results';
import { LocalCluster } from './local-cluster';
import { pollUntil, startFlott, waitFor } from './run-cli';

const SEED = Number(process.env.FLOTT_CHAOS_SEED ?? 20261204);
const KILLS = 10;
const N = 60_000;
const RATE = 2500;
const SUBMITTED = /^Job has been submitted with JobID ([0-9a-f]{32})$/m;
/** Longest random pause before a kill, once the job runs again and has completed a checkpoint since. */
const MAX_PAUSE_MS = 700;

interface Subtask {
  readonly status: string;
}

describe(`chaos: TaskManager processes killed at seeded random moments (seed ${SEED})`, () => {
  const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
  const replacements: ChildProcess[] = [];
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-chaos-'));
    await cluster.start(3);
  }, 120_000);
  afterAll(async () => {
    for (const child of replacements) child.kill('SIGKILL');
    await waitFor(() => replacements.every((c) => c.pid === undefined || !isProcessAlive(c.pid)), 'the replacement TaskManagers to die', 10_000);
    await cluster.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(`commits exactly the failure-free output through ${KILLS} kills and replacements`, async () => {
    const random = new SeededRandom(SEED);
    const out = path.join(dir, 'out');
    const run = startFlott(
      [
        'run', ...cluster.m, '-p', '2',
        '-D', 'execution.checkpointing.interval=100 ms',
        // A checkpoint whose trigger or acknowledgement died with a killed process is given up after 5 s
        // (Flink's default is 10 min), as a production job with this interval would be configured.
        '-D', 'execution.checkpointing.timeout=5 s',
        '-D', 'restart-strategy.type=fixed-delay', '-D', `restart-strategy.fixed-delay.attempts=${KILLS * 3}`, '-D', 'restart-strategy.fixed-delay.delay=0 ms',
        CHECKPOINT_JOB, '--n', String(N), '--rate', String(RATE), '--out', out,
      ],
      300_000,
    );
    await waitFor(() => SUBMITTED.test(run.output().stderr), 'the submission', 60_000);
    const jobId = SUBMITTED.exec(run.output().stderr)![1];
    const context = (what: string) => `${what} (seed ${SEED})`;
    // resource id -> pid of every TaskManager started so far (the cluster's and the replacements).
    const pids = new Map<string, number>(['taskmanager-0', 'taskmanager-1', 'taskmanager-2'].map((n) => [cluster.ready(n).resourceId as string, cluster.ready(n).pid]));
    const rpcPort = cluster.ready('jobmanager').rpcPort as number;
    const completedCheckpoints = async () => (await cluster.rest<{ counts: { completed: number } }>(`/jobs/${jobId}/checkpoints`)).counts.completed;
    const allRunning = async () => {
      const job = await cluster.rest<{ state: string; vertices: Array<{ id: string }> }>(`/jobs/${jobId}`);
      if (job.state !== 'RUNNING') return { state: job.state, running: false };
      const subtasks = (await Promise.all(job.vertices.map((v) => cluster.rest<{ subtasks: Subtask[] }>(`/jobs/${jobId}/vertices/${v.id}`)))).flatMap((d) => d.subtasks);
      return { state: job.state, running: subtasks.every((s) => s.status === 'RUNNING') };
    };

    // A failure says what the JobManager saw last (its log's tail) besides the seed.
    const diagnosed = async <T>(step: Promise<T>): Promise<T> => {
      try {
        return await step;
      } catch (e) {
        const log = cluster.log('jobmanager');
        if (process.env.FLOTT_CHAOS_LOG) fs.writeFileSync(process.env.FLOTT_CHAOS_LOG, log);
        const tail = log.split('\n').filter(Boolean).slice(-40).map((l) => (JSON.parse(l) as { msg: string }).msg).join('\n');
        throw new Error(`${(e as Error).message}\nThe JobManager's last log lines:\n${tail}`);
      }
    };

    for (let kill = 1; kill <= KILLS; kill++) {
      // Running again, and a checkpoint completed since the last kill: every round makes progress.
      await diagnosed(pollUntil(allRunning, (s) => s.running || s.state === 'FINISHED', context(`the job to run before kill ${kill}`), 60_000));
      const before = await completedCheckpoints();
      await diagnosed(pollUntil(completedCheckpoints, (c) => c > before, context(`a checkpoint before kill ${kill}`), 60_000));
      await new Promise((r) => setTimeout(r, Math.floor(random.nextDouble() * MAX_PAUSE_MS)));
      const state = await allRunning();
      if (state.state !== 'RUNNING') throw new Error(context(`the job was ${state.state} before kill ${kill}: make it run longer (--n)`));
      const taskManagers = (await cluster.rest<{ taskmanagers: Array<{ id: string; freeSlots: number }> }>('/taskmanagers')).taskmanagers;
      const busy = taskManagers.filter((tm) => tm.freeSlots === 0 && pids.has(tm.id));
      const victim = busy[Math.floor(random.nextDouble() * busy.length)];
      expect({ kill, victim: victim !== undefined }).toEqual({ kill, victim: true });
      process.kill(pids.get(victim.id) as number, 'SIGKILL');
      pids.delete(victim.id);
      // A replacement registers, so the job always finds a spare slot.
      const ready = path.join(dir, `replacement-${kill}.ready`);
      const replacement = startFlott(
        ['taskmanager', '-D', `jobmanager.rpc.port=${rpcPort}`, '-D', 'taskmanager.numberOfTaskSlots=1', '--ready-file', ready, '-D', `log.file=${path.join(dir, `replacement-${kill}.log`)}`],
        300_000,
      );
      replacements.push(replacement.child);
      await waitFor(() => fs.existsSync(ready), context(`replacement TaskManager ${kill} to register`), 60_000);
      const info = JSON.parse(fs.readFileSync(ready, 'utf8')) as { pid: number; resourceId: string };
      pids.set(info.resourceId, info.pid);
    }

    const r = await run.result;
    expect({ seed: SEED, code: r.code }).toEqual({ seed: SEED, code: 0 });
    const exceptions = await cluster.rest<{ exceptionHistory: { entries: unknown[] } }>(`/jobs/${jobId}/exceptions?maxExceptions=100`);
    expect(exceptions.exceptionHistory.entries.length).toBeGreaterThanOrEqual(KILLS);
    const committed = committedLines(out);
    const expected = expectedLines(false, N);
    // Compared by count first: a failure prints the seed and the size of the difference, not 64 000 lines.
    expect({ seed: SEED, lines: committed.length }).toEqual({ seed: SEED, lines: expected.length });
    expect(committed).toEqual(expected);
  }, 300_000);
});
