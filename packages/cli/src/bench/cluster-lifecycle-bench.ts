/**
 * The standalone cluster's processes (FLOTT_BENCH_ONLY=cluster-lifecycle): how long `flott cluster
 * start -n 2` takes to ready, the idle JobManager's and TaskManagers' RSS, and how long a job takes
 * from the kill -9 of a TaskManager running its tasks to RUNNING again on a spare one (the
 * closed-connection path). Each beside a baseline measured in the same run: bare Node.js processes
 * started the same way, an idle bare Node.js process's RSS, and the same job's first deployment. Then
 * a task failure in a job of two disconnected pipelines (two regions) to RUNNING again, with the
 * `region` failover strategy (only the failed pipeline restarts) against `full` (both do).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive } from '@flott/runtime';
import { CHECKPOINT_JOB, FIXED_DELAY_RESTARTS } from '../e2e/checkpoint-job-results';
import { LocalCluster } from '../e2e/local-cluster';
import { freePort, pollUntil, runFlott, waitFor } from '../e2e/run-cli';
import { median } from './run-job';

const START_ROUNDS = Number(process.env.FLOTT_BENCH_START_ROUNDS ?? 7);
const KILL_ROUNDS = Number(process.env.FLOTT_BENCH_KILL_ROUNDS ?? 3);
const FAILOVER_ROUNDS = Number(process.env.FLOTT_BENCH_FAILOVER_ROUNDS ?? 3);
const TWO_PIPELINES = 'packages/cli/test-jobs/two-pipelines.ts';
/** Bound on each wait for a cluster or a job to reach a state. */
const WAIT_MS = 60_000;

export interface ClusterLifecycleFigures {
  /** `flott cluster start -n 2` to ready, ms per round; and four bare `node` processes started and waited for the same way. */
  readonly startMs: readonly number[];
  readonly bareStartMs: readonly number[];
  /** Idle RSS, MB. */
  readonly jobManagerRssMb: number;
  readonly taskManagerRssMb: readonly number[];
  readonly bareNodeRssMb: number;
  /** kill -9 of a busy TaskManager to every subtask RUNNING in a new attempt, ms per round; and the job's first deployment (submitted to every subtask RUNNING). */
  readonly killToRunningMs: readonly number[];
  readonly firstDeploymentMs: readonly number[];
  /** A task failure (its exception's time) to every restarted subtask RUNNING again, ms per round, in a job of two regions. */
  readonly regionFailoverMs: readonly number[];
  readonly fullFailoverMs: readonly number[];
}

function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

/**
 * The floor under `flott cluster start -n 2`: a `node` process that starts three detached `node`
 * processes, each writing a ready file once up, and waits for the files as the cluster script does.
 */
async function bareStartMs(dir: string): Promise<number> {
  const script = `
    const { spawn } = require('node:child_process'); const fs = require('node:fs');
    const files = [0, 1, 2].map((i) => ${JSON.stringify(dir)} + '/bare-' + i + '.ready');
    for (const f of files) spawn(process.execPath, ['-e', "require('fs').writeFileSync(process.argv[1], '1')", f], { stdio: 'ignore', detached: true }).unref();
    const t = setInterval(() => { if (files.every((f) => fs.existsSync(f))) { clearInterval(t); for (const f of files) fs.rmSync(f); } }, 50);`;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => spawn(process.execPath, ['-e', script], { stdio: 'ignore' }).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bare start exited ${code}`)))).once('error', reject));
  return performance.now() - started;
}

async function idleBareNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "setInterval(() => {}, 1000); process.stdout.write('up')"], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise((resolve) => child.stdout.once('data', resolve));
    return rssMb(child.pid as number);
  } finally {
    child.kill('SIGKILL');
  }
}

/** `flott cluster start -n 2` with the RPC and REST ports given (as in a real deployment: the TaskManagers start beside the JobManager). */
async function timedClusterStart(): Promise<{ ms: number; cluster: LocalCluster }> {
  const cluster = new LocalCluster(['-D', `jobmanager.rpc.port=${await freePort()}`, '-D', `rest.port=${await freePort()}`]);
  const started = performance.now();
  try {
    await cluster.start(2);
  } catch (e) {
    await cluster.kill();
    throw e;
  }
  return { ms: performance.now() - started, cluster };
}

interface Subtask {
  readonly status: string;
  readonly attempt: number;
}

/** Every subtask of every vertex of the job, in vertex order. */
async function subtasksOf(cluster: LocalCluster, jobId: string): Promise<Subtask[]> {
  const job = await cluster.rest<{ vertices: Array<{ id: string }> }>(`/jobs/${jobId}`);
  const details = await Promise.all(job.vertices.map((v) => cluster.rest<{ subtasks: Subtask[] }>(`/jobs/${jobId}/vertices/${v.id}`)));
  return details.flatMap((d) => d.subtasks);
}

/** One round: a cluster of three one-slot TaskManagers runs the checkpoint job at p=2; the TaskManager of one of its subtasks is killed. */
async function killRound(): Promise<{ killToRunning: number; firstDeployment: number }> {
  const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-kill-'));
  try {
    await cluster.start(3);
    const submitted = performance.now();
    const r = await runFlott(['run', ...cluster.m, '-d', '-p', '2', '-D', 'execution.checkpointing.interval=200 ms', ...FIXED_DELAY_RESTARTS, CHECKPOINT_JOB, '--n', '100000000', '--rate', '2000', '--out', out], WAIT_MS);
    const jobId = /JobID ([0-9a-f]{32})/.exec(r.stderr + r.stdout)?.[1];
    if (r.code !== 0 || jobId === undefined) throw new Error(`submission failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    const allRunning = (attempt: number) => (subtasks: Subtask[]) => subtasks.length > 0 && subtasks.every((s) => s.status === 'RUNNING' && s.attempt >= attempt);
    await pollUntil(() => subtasksOf(cluster, jobId), allRunning(0), 'the job to run', WAIT_MS);
    const firstDeployment = performance.now() - submitted;
    const taskManagers = (await cluster.rest<{ taskmanagers: Array<{ id: string; freeSlots: number }> }>('/taskmanagers')).taskmanagers;
    const busy = taskManagers.find((tm) => tm.freeSlots === 0);
    const victim = ['taskmanager-0', 'taskmanager-1', 'taskmanager-2'].map((n) => cluster.ready(n)).find((t) => t.resourceId === busy?.id);
    if (!victim) throw new Error(`no busy TaskManager among ${JSON.stringify(taskManagers)}`);
    const killed = performance.now();
    process.kill(victim.pid, 'SIGKILL');
    await pollUntil(() => subtasksOf(cluster, jobId), allRunning(1), 'the job to run again', WAIT_MS);
    const killToRunning = performance.now() - killed;
    await waitFor(() => !isProcessAlive(victim.pid), 'the killed TaskManager to be gone', WAIT_MS);
    return { killToRunning, firstDeployment };
  } finally {
    await cluster.kill();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * One round on `cluster`: the two-pipelines job at p=2 whose pipeline b throws once, under `strategy`;
 * the time from the failure (its exception's timestamp, this host's clock) until every subtask that
 * restarts runs again (b's only with region, all with full). The job is cancelled afterwards.
 */
async function failoverRound(cluster: LocalCluster, strategy: 'region' | 'full'): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-failover-'));
  let jobId: string | undefined;
  try {
    const r = await runFlott(
      ['run', ...cluster.m, '-d', '-p', '2', '-D', `jobmanager.execution.failover-strategy=${strategy}`, '-D', 'execution.checkpointing.interval=200 ms', ...FIXED_DELAY_RESTARTS,
        TWO_PIPELINES, '--n', '100000000', '--rate', '2000', '--fail', 'b', '--fail-after', '500', '--out', out],
      WAIT_MS,
    );
    jobId = /JobID ([0-9a-f]{32})/.exec(r.stderr + r.stdout)?.[1];
    if (r.code !== 0 || jobId === undefined) throw new Error(`submission failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    const id = jobId;
    const failedAt = (await pollUntil(() => cluster.rest<{ timestamp?: number }>(`/jobs/${id}/exceptions`), (e) => e.timestamp !== undefined, 'the injected failure', WAIT_MS)).timestamp as number;
    const restarted = (vertices: Array<{ name: string; subtasks: Subtask[] }>) => vertices.filter((v) => strategy === 'full' || v.name.includes('b: ')).flatMap((v) => v.subtasks);
    await pollUntil(
      async () => {
        const job = await cluster.rest<{ vertices: Array<{ id: string; name: string }> }>(`/jobs/${id}`);
        return restarted(await Promise.all(job.vertices.map(async (v) => ({ name: v.name, subtasks: (await cluster.rest<{ subtasks: Subtask[] }>(`/jobs/${id}/vertices/${v.id}`)).subtasks }))));
      },
      (subtasks) => subtasks.length > 0 && subtasks.every((s) => s.status === 'RUNNING' && s.attempt >= 1),
      'the restarted tasks to run again',
      WAIT_MS,
    );
    return Date.now() - failedAt;
  } finally {
    if (jobId !== undefined) {
      await fetch(`${cluster.restUrl}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
      const id = jobId;
      await pollUntil(() => cluster.rest<{ state: string }>(`/jobs/${id}`), (j) => j.state === 'CANCELED', 'the job to be cancelled', WAIT_MS);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** Runs the measurements with their baselines, prints the table and returns the figures for bench-results/latest.json. */
export async function runClusterLifecycleBench(): Promise<{ clusterLifecycle: ClusterLifecycleFigures }> {
  process.stderr.write(`bench: cluster processes (${START_ROUNDS} starts, ${KILL_ROUNDS} kill rounds)\n`);
  const bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bench-bare-'));
  const startMs: number[] = [];
  const bareMs: number[] = [];
  let rss: { jm: number; tms: number[] } | undefined;
  try {
    for (let round = 0; round < START_ROUNDS; round++) {
      bareMs.push(await bareStartMs(bareDir));
      const { ms, cluster } = await timedClusterStart();
      try {
        startMs.push(ms);
        if (round === START_ROUNDS - 1) {
          // Idle: the TaskManagers have registered and the JobManager has answered their first heartbeats.
          const [jm, ...tms] = cluster.pids();
          await pollUntil(() => cluster.rest<{ taskmanagers: unknown[] }>('/taskmanagers'), (t) => t.taskmanagers.length === 2, 'two TaskManagers', WAIT_MS);
          rss = { jm: rssMb(jm), tms: tms.map(rssMb) };
        }
        await cluster.stop();
      } finally {
        await cluster.kill();
      }
    }
  } finally {
    fs.rmSync(bareDir, { recursive: true, force: true });
  }
  const bareRss = await idleBareNodeRssMb();
  const kills: Array<{ killToRunning: number; firstDeployment: number }> = [];
  for (let round = 0; round < KILL_ROUNDS; round++) kills.push(await killRound());
  const regionMs: number[] = [];
  const fullMs: number[] = [];
  const twoSlots = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
  try {
    await twoSlots.start(2);
    for (let round = 0; round < FAILOVER_ROUNDS; round++) {
      regionMs.push(await failoverRound(twoSlots, 'region'));
      fullMs.push(await failoverRound(twoSlots, 'full'));
    }
  } finally {
    await twoSlots.kill();
  }
  const figures: ClusterLifecycleFigures = {
    startMs,
    bareStartMs: bareMs,
    jobManagerRssMb: rss?.jm ?? NaN,
    taskManagerRssMb: rss?.tms ?? [],
    bareNodeRssMb: bareRss,
    killToRunningMs: kills.map((k) => k.killToRunning),
    firstDeploymentMs: kills.map((k) => k.firstDeployment),
    regionFailoverMs: regionMs,
    fullFailoverMs: fullMs,
  };
  const ms = (xs: readonly number[]) => `${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  process.stdout.write(
    `| cluster processes | Flott (median, rounds) | baseline in the same run | goal |\n|---|---|---|---|\n` +
      `| \`flott cluster start -n 2\` to ready | ${ms(startMs)} | ${ms(bareMs)} (a node process starting 3 bare node processes, waiting for their ready files) | ≤ 1 s |\n` +
      `| idle JobManager RSS | ${figures.jobManagerRssMb.toFixed(0)} MB | ${bareRss.toFixed(0)} MB (an idle bare node process) | ≤ 100 MB |\n` +
      `| idle TaskManager RSS | ${figures.taskManagerRssMb.map((r) => `${r.toFixed(0)} MB`).join(', ')} | ${bareRss.toFixed(0)} MB | ≤ 100 MB |\n` +
      `| kill -9 of a busy TaskManager to every subtask RUNNING again (checkpoint job, p=2, fixed-delay 0 ms) | ${ms(figures.killToRunningMs)} | ${ms(figures.firstDeploymentMs)} (the job's first deployment, submitted to RUNNING) | ≤ 2 s |\n` +
      `| a task failure to RUNNING again in a job of two pipelines (two regions, p=2, fixed-delay 0 ms): region (the failed pipeline restarts) | ${ms(regionMs)} | ${ms(fullMs)} (full: both pipelines restart) | |\n\n`,
  );
  return { clusterLifecycle: figures };
}
