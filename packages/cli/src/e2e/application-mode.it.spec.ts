/**
 * Application mode with real processes: `flott run-application` deploys a JobManager that runs the
 * job's main and TaskManager processes the local-processes driver starts; `flott jobmanager
 * --application` runs beside standalone `flott taskmanager` processes. The job's output is exact, the
 * commands exit with the job's result, and afterwards no process of the cluster is left.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive } from '@flott/runtime';
import { CHECKPOINT_JOB, committedLines, expectedLines, N } from './checkpoint-job-results';
import { runFlott, startFlott, waitFor, type RunningFlott } from './run-cli';

/** Pids of the live processes whose command line mentions `text` (the test's own folder). */
function processesMentioning(text: string): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) return [];
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes(text) && isProcessAlive(pid) ? [pid] : [];
    } catch {
      return [];
    }
  });
}

/** The pids the local-processes driver recorded for its workers under `workers`. */
function workerPids(workers: string): number[] {
  if (!fs.existsSync(workers)) return [];
  return fs.readdirSync(workers).flatMap((w) => {
    const file = path.join(workers, w, 'worker.json');
    try {
      return [(JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid];
    } catch {
      return [];
    }
  });
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

describe('application mode', () => {
  let dir: string;
  const started: number[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-application-'));
  });

  afterEach(() => {
    // Whatever a failed test left behind; a passing one leaves nothing (it asserts so).
    killAll([...started, ...processesMentioning(dir)]);
    started.length = 0;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** run-application of the keyed checkpoint job at p=2 with one slot per TaskManager; the TaskManager pids seen while it ran. */
  async function runApplication(extraArgs: readonly string[], jobArgs: readonly string[]) {
    const workers = path.join(dir, 'workers');
    const seen = new Set<number>();
    const sampler = setInterval(() => workerPids(workers).forEach((p) => seen.add(p)), 20);
    try {
      const r = await runFlott(
        [
          'run-application', '-p', '2',
          '-D', `env.pid.dir=${dir}`, '-D', 'jobmanager.rpc.port=0', '-D', 'rest.port=0', '-D', 'rest.bind-address=127.0.0.1',
          '-D', 'taskmanager.numberOfTaskSlots=1', '-D', 'execution.checkpointing.interval=100 ms',
          '-D', `resourcemanager.local-processes.working-dir=${workers}`,
          ...extraArgs,
          CHECKPOINT_JOB, ...jobArgs,
        ],
        180_000,
      );
      return { r, taskManagers: [...seen] };
    } finally {
      clearInterval(sampler);
    }
  }

  it('flott run-application runs a keyed job at p=2 on TaskManagers it starts, exactly, and leaves no process behind', async () => {
    const out = path.join(dir, 'out');
    const { r, taskManagers } = await runApplication([], ['--n', String(N), '--rate', '8000', '--out', out]);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/Job has been submitted with JobID ([0-9a-f]{32})[\s\S]*Job \1 has FINISHED\./)]);
    expect(committedLines(out)).toEqual(expectedLines());
    const jobManager = Number(/JobManager \(pid (\d+)\)/.exec(r.stderr)?.[1]);
    expect(taskManagers).toHaveLength(2);
    for (const pid of [jobManager, ...taskManagers]) expect([pid, isProcessAlive(pid)]).toEqual([pid, false]);
    expect(processesMentioning(dir)).toEqual([]);
    // The pid, ready and result files are gone; the logs stay.
    expect(fs.readdirSync(dir).filter((f) => /\.(pid|ready|result)$/.test(f))).toEqual([]);
  }, 240_000);

  it('a failing job: run-application exits 1 with the job\'s error, and the cluster is gone', async () => {
    const out = path.join(dir, 'out');
    const { r, taskManagers } = await runApplication(['-D', 'restart-strategy.type=none'], ['--n', String(N), '--rate', '4000', '--fail-after', '5', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Job 'checkpointed job' \([0-9a-f]{32}\) FAILED[\s\S]*injected failure after 5 records[\s\S]*Job [0-9a-f]{32} has FAILED\./);
    expect(taskManagers.length).toBeGreaterThan(0);
    for (const pid of taskManagers) expect(isProcessAlive(pid)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  }, 240_000);

  it('a main that fails before it submits: the error is printed, exit 1, the cluster is gone', async () => {
    const r = await runFlott(
      ['run-application', '-D', `env.pid.dir=${dir}`, '-D', 'jobmanager.rpc.port=0', '-D', 'rest.port=0', '-D', 'rest.bind-address=127.0.0.1', 'packages/cli/test-jobs/failing-main.ts', 'a', 'b'],
      120_000,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('main refuses to build a job: no input given (2 argument(s))');
    expect(r.stderr).toMatch(/the main of .*failing-main\.ts failed before it submitted a job/);
    expect(processesMentioning(dir)).toEqual([]);
  }, 180_000);

  it('Ctrl-C on an attached run-application cancels the job; the cluster shuts down and the CLI exits 130', async () => {
    const workers = path.join(dir, 'workers');
    const run = startFlott(
      [
        'run-application', '-p', '2', '-D', `env.pid.dir=${dir}`, '-D', 'jobmanager.rpc.port=0', '-D', 'rest.port=0', '-D', 'rest.bind-address=127.0.0.1',
        '-D', 'taskmanager.numberOfTaskSlots=1', '-D', `resourcemanager.local-processes.working-dir=${workers}`,
        CHECKPOINT_JOB, '--n', '1000000', '--rate', '1000', '--out', path.join(dir, 'out'),
      ],
      180_000,
    );
    started.push(run.child.pid as number);
    await waitFor(() => workerPids(workers).length === 2 && run.output().stderr.includes('Job has been submitted'), 'the job to be submitted and its TaskManagers started', 60_000);
    const taskManagers = workerPids(workers);
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Received SIGINT: cancelling job ([0-9a-f]{32}); the application cluster shuts down after it[\s\S]*Job \1 has CANCELED\./);
    for (const pid of taskManagers) expect(isProcessAlive(pid)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  }, 240_000);

  it('-d returns once the job is submitted; with shutdown-on-application-finish false the cluster stays up, its REST API answering, until stopped', async () => {
    const out = path.join(dir, 'out');
    const { r } = await runApplication(['-d', '-D', 'execution.shutdown-on-application-finish=false'], ['--n', String(N), '--rate', '8000', '--out', out]);
    expect(r.code).toBe(0);
    const [, jobId, rest, pid] = /Job ([0-9a-f]{32}) runs on the application cluster at (\S+) \(JobManager pid (\d+)\)/.exec(r.stdout) ?? [];
    expect(jobId).toBeDefined();
    started.push(Number(pid));
    let state = '';
    // The job's state over REST, every 100 ms, at most 30 s.
    for (let i = 0; i < 300 && state !== 'FINISHED'; i++) {
      state = ((await (await fetch(`${rest}/jobs/${jobId}`)).json()) as { state: string }).state;
      if (state !== 'FINISHED') await new Promise((res) => setTimeout(res, 100));
    }
    expect(state).toBe('FINISHED');
    expect(committedLines(out)).toEqual(expectedLines());
    // Still up after the job's end; SIGTERM stops it, its TaskManagers with it.
    expect(isProcessAlive(Number(pid))).toBe(true);
    process.kill(Number(pid), 'SIGTERM');
    await waitFor(() => processesMentioning(dir).length === 0, 'the application cluster to stop', 60_000);
  }, 240_000);

  it('flott jobmanager --application with two standalone TaskManagers: exact output, and all three processes exit 0', async () => {
    const out = path.join(dir, 'out');
    const ready = path.join(dir, 'jm.ready');
    const common = ['-D', 'rest.port=0', '-D', 'rest.bind-address=127.0.0.1', '-D', 'taskmanager.numberOfTaskSlots=1'];
    const jobManager: RunningFlott = startFlott(
      ['jobmanager', '--ready-file', ready, '-D', 'jobmanager.rpc.port=0', '-D', 'parallelism.default=2', '-D', 'execution.checkpointing.interval=100 ms', ...common,
        '--application', CHECKPOINT_JOB, '--n', String(N), '--rate', '8000', '--out', out],
      180_000,
    );
    started.push(jobManager.child.pid as number);
    await waitFor(() => fs.existsSync(ready), `the JobManager to start: ${JSON.stringify(jobManager.output())}`, 60_000);
    const rpcPort = (JSON.parse(fs.readFileSync(ready, 'utf8')) as { rpcPort: number }).rpcPort;
    const taskManagers = [0, 1].map(() => startFlott(['taskmanager', '-D', `jobmanager.rpc.port=${rpcPort}`, ...common], 180_000));
    started.push(...taskManagers.map((t) => t.child.pid as number));
    const [jm, ...tms] = await Promise.all([jobManager.result, ...taskManagers.map((t) => t.result)]);
    expect([jm.code, jm.stdout]).toEqual([0, expect.stringMatching(/Application finished: job [0-9a-f]{32} FINISHED; shutting down\.\nJobManager stopped\./)]);
    for (const tm of tms) expect([tm.code, tm.stdout]).toEqual([0, expect.stringMatching(/The JobManager shut the cluster down \(Application finished: job [0-9a-f]{32} FINISHED\); shutting down\.\nTaskManager stopped\./)]);
    expect(committedLines(out)).toEqual(expectedLines());
  }, 240_000);
});
