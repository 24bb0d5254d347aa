/**
 * The cluster across hosts: a JobManager and three TaskManagers, each in a network namespace of its
 * own (netns-hosts.ts), bound to their hosts' addresses, the client on the JobManager's host. A job
 * spanning two hosts gives the exact output; then one TaskManager's link is cut mid-job (a partition:
 * its process keeps running, its packets stop): the JobManager notices within heartbeat.timeout and
 * fails the job over to the spare host, and the exactly-once output still equals a failure-free run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_JOB, committedLines, expectedLines, FIXED_DELAY_RESTARTS, N } from './checkpoint-job-results';
import { NetnsHosts } from './netns-hosts';
import { waitFor } from './run-cli';

const HEARTBEAT = ['-D', 'heartbeat.interval=500 ms', '-D', 'heartbeat.timeout=3 s'];
const SUBMITTED = /Job has been submitted with JobID ([0-9a-f]{32})/;

const TASK_MANAGERS = ['tm1', 'tm2', 'tm3'];

describe('a cluster across hosts (network namespaces)', () => {
  const net = new NetnsHosts(['jm', ...TASK_MANAGERS]);
  let dir: string;
  const logOf = (host: string): string => {
    const file = path.join(dir, `${host}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  };
  const entries = (host: string) => logOf(host).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { time: string; msg: string; jobId?: string });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-netns-'));
    net.setUp();
    const jmHost = net.address('jm');
    const jmReady = path.join(dir, 'jm.ready');
    const jobManager = net.flott('jm', [
      'jobmanager', '--ready-file', jmReady,
      '-D', 'jobmanager.bind-host=0.0.0.0', '-D', `jobmanager.rpc.address=${jmHost}`, '-D', 'rest.bind-address=0.0.0.0', '-D', `rest.address=${jmHost}`,
      '-D', `log.file=${path.join(dir, 'jm.log')}`, ...HEARTBEAT,
    ]);
    await waitFor(() => fs.existsSync(jmReady), `the JobManager to start: ${jobManager.output()}`, 60_000);
    for (const host of TASK_MANAGERS) {
      const ready = path.join(dir, `${host}.ready`);
      const tm = net.flott(host, [
        'taskmanager', '--ready-file', ready,
        '-D', `jobmanager.rpc.address=${jmHost}`, '-D', 'taskmanager.bind-host=0.0.0.0', '-D', `taskmanager.host=${net.address(host)}`,
        '-D', 'taskmanager.numberOfTaskSlots=1', '-D', `taskmanager.resource-id=tm-${host}`, '-D', `log.file=${path.join(dir, `${host}.log`)}`, ...HEARTBEAT,
      ]);
      await waitFor(() => fs.existsSync(ready), `TaskManager ${host} to register: ${tm.output()}`, 60_000);
    }
  }, 180_000);

  afterAll(async () => {
    await net.tearDown();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** `flott run` of the checkpoint job at parallelism 2, from the JobManager's host. */
  const run = (out: string, rate: number, extra: readonly string[] = []) =>
    net.flott('jm', [
      'run', '-m', `${net.address('jm')}:8081`, '-p', '2', '-D', 'execution.checkpointing.interval=100 ms', ...extra,
      CHECKPOINT_JOB, '--n', String(N), '--rate', String(rate), '--out', out,
    ]);

  /** The hosts whose TaskManager received a task of job `jobId`. */
  const hostsRunning = (jobId: string): string[] => TASK_MANAGERS.filter((h) => entries(h).some((e) => e.jobId === jobId && e.msg.startsWith('Received task')));

  it('runs a job whose keyBy crosses hosts, with the exact output', async () => {
    const out = path.join(dir, 'across');
    const r = run(out, 8000);
    const code = await r.exited;
    expect([code, r.output()]).toEqual([0, expect.stringMatching(SUBMITTED)]);
    expect(committedLines(out)).toEqual(expectedLines());
    const jobId = SUBMITTED.exec(r.output())![1];
    const hosts = hostsRunning(jobId);
    expect(hosts).toHaveLength(2);
    // The consumer on one host read the other's partitions at that host's address.
    const [a, b] = hosts;
    const crossed = (from: string, to: string) => logOf(from).includes(`Opening a data connection to TaskManager ${net.address(to)}:`);
    expect(crossed(a, b) || crossed(b, a)).toBe(true);
  }, 120_000);

  it('a TaskManager cut off mid-job is noticed within heartbeat.timeout and the job fails over to the spare host, exactly', async () => {
    const out = path.join(dir, 'cut');
    const r = run(out, 1000, FIXED_DELAY_RESTARTS);
    await waitFor(() => SUBMITTED.test(r.output()), 'the submission', 60_000);
    const jobId = SUBMITTED.exec(r.output())![1];
    await waitFor(() => entries('jm').some((e) => e.jobId === jobId && e.msg.startsWith('Completed checkpoint')), 'a completed checkpoint', 60_000);
    const [victim] = hostsRunning(jobId);
    const cutAt = Date.now();
    net.cut(victim);
    const code = await r.exited;
    expect([code, r.output()]).toEqual([0, expect.stringMatching(SUBMITTED)]);
    expect(committedLines(out)).toEqual(expectedLines());
    // Noticed by the heartbeat timeout (3 s; a cut link closes no connection), not sooner and not much later.
    const lost = entries('jm').find((e) => e.msg.includes(`tm-${victim}`) && e.msg.includes('heartbeat of TaskManager timed out'));
    expect(lost).toBeDefined();
    const detectedAfterMs = Date.parse(lost!.time) - cutAt;
    expect(detectedAfterMs).toBeGreaterThanOrEqual(2_000);
    expect(detectedAfterMs).toBeLessThan(6_000);
    // The spare host took over the lost one's tasks.
    expect(hostsRunning(jobId)).toHaveLength(3);
    net.heal(victim);
  }, 180_000);
});
