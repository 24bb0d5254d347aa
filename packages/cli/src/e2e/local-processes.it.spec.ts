/**
 * `resourcemanager.type: local-processes` with real processes: a JobManager started with no
 * TaskManager at all starts `flott taskmanager` processes when a job declares slots, the job runs on
 * them with the exact output, and once their slots have been free for
 * resourcemanager.taskmanager-timeout the JobManager stops them again.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_JOB, committedLines, expectedLines, N } from './checkpoint-job-results';
import { isProcessAlive } from '@flott/runtime';
import { runFlott, startFlott, waitFor, type RunningFlott } from './run-cli';

describe('a JobManager that starts its TaskManagers itself (local-processes)', () => {
  let dir: string;
  let jobManager: RunningFlott;
  let rest: string;
  const workers = () => path.join(dir, 'workers');
  const workerPids = (): number[] =>
    fs.existsSync(workers())
      ? fs.readdirSync(workers()).flatMap((w) => {
          const file = path.join(workers(), w, 'worker.json');
          return fs.existsSync(file) ? [(JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number }).pid] : [];
        })
      : [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-local-processes-'));
    const ready = path.join(dir, 'jm.ready');
    jobManager = startFlott(
      [
        'jobmanager', '--ready-file', ready,
        '-D', 'jobmanager.rpc.port=0', '-D', 'rest.port=0', '-D', 'rest.bind-address=127.0.0.1',
        '-D', 'resourcemanager.type=local-processes', '-D', `resourcemanager.local-processes.working-dir=${workers()}`,
        '-D', 'resourcemanager.taskmanager-timeout=2 s', '-D', 'taskmanager.numberOfTaskSlots=1',
      ],
      300_000,
    );
    await waitFor(() => fs.existsSync(ready), `the JobManager to start: ${JSON.stringify(jobManager.output())}`, 60_000);
    rest = new URL((JSON.parse(fs.readFileSync(ready, 'utf8')) as { rest: string }).rest).host;
  }, 90_000);

  afterAll(async () => {
    const pids = workerPids();
    jobManager.child.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await jobManager.result.catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('starts two TaskManagers for a job at parallelism 2, runs it exactly, and stops them once idle', async () => {
    expect(workerPids()).toEqual([]);
    const out = path.join(dir, 'out');
    const r = await runFlott(['run', '-m', rest, '-p', '2', '-D', 'execution.checkpointing.interval=100 ms', CHECKPOINT_JOB, '--n', String(N), '--rate', '8000', '--out', out], 180_000);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/Job has been submitted with JobID [0-9a-f]{32}/)]);
    expect(committedLines(out)).toEqual(expectedLines());
    const started = workerPids();
    expect(started).toHaveLength(2);
    // Idle for resourcemanager.taskmanager-timeout (2 s): stopped, folders gone.
    await waitFor(() => started.every((pid) => !isProcessAlive(pid)) && workerPids().length === 0, 'the idle TaskManagers to be stopped', 60_000);
    const overview = await (await fetch(`http://${rest}/overview`)).json();
    expect(overview).toMatchObject({ taskmanagers: 0, 'slots-total': 0, 'jobs-finished': 1 });
  }, 240_000);
});
