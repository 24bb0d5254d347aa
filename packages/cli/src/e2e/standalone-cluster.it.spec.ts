/**
 * The standalone cluster as real processes on loopback: `flott cluster start` (a JobManager and
 * TaskManagers), jobs submitted with `flott run -m`, their keyed exchanges crossing TaskManager
 * processes over TCP; a TaskManager killed with SIGKILL mid-job; three jobs at once; a TaskManager
 * with the wrong secret; `flott cluster stop` leaving nothing running. Outputs are the checkpoint
 * job's exactly-once FileSink output compared with what the job must commit (checkpoint-job-results.ts).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_JOB, committedLines, expectedLines, FIXED_DELAY_RESTARTS, N } from './checkpoint-job-results';
import { isProcessAlive } from '@flott/runtime';
import { testCertificates } from '@flott/runtime/testing';
import { LocalCluster } from './local-cluster';
import { runFlott, startFlott, waitFor } from './run-cli';

const SUBMITTED = /^Job has been submitted with JobID ([0-9a-f]{32})$/m;

/**
 * Whether a slot of the TaskManager that wrote `consumerLog` read a partition over TCP straight from a slot
 * thread's own data server of the one that wrote `producerLog` (docs/network.md, "Slot threads' own data servers").
 */
function readFromOtherSlot(consumerLog: string, producerLog: string): boolean {
  const slotServers = [...producerLog.matchAll(/serves its pipelined result partitions at (\S+)\./g)].map((m) => m[1]);
  return slotServers.some((address) => consumerLog.includes(`Opening a data connection to TaskManager ${address}.`));
}

/** Waits until every one of the cluster's `total` slots is free again (the ended jobs released them). */
async function slotsFreed(cluster: LocalCluster, total: number): Promise<void> {
  let overview = { 'slots-total': -1, 'slots-available': -1 };
  const deadline = Date.now() + 30_000;
  while (overview['slots-available'] !== total) {
    if (Date.now() > deadline) throw new Error(`slots not freed: ${JSON.stringify(overview)}`);
    overview = await cluster.rest('/overview');
  }
  expect(overview['slots-total']).toBe(total);
}

describe('a standalone cluster of JobManager and TaskManager processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-standalone-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** `flott run -m` of the checkpoint job at parallelism 2, attached, in the background. */
  const submit = (cluster: LocalCluster, out: string, rate: number, extra: readonly string[] = []) =>
    startFlott(
      ['run', ...cluster.m, '-p', '2', '-D', 'execution.checkpointing.interval=100 ms', ...extra, CHECKPOINT_JOB, '--n', String(N), '--rate', String(rate), '--out', out],
      180_000,
    );

  describe('with two TaskManagers of one slot', () => {
    const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
    beforeAll(() => cluster.start(2), 120_000);
    afterAll(() => cluster.kill(), 30_000);

    it('runs a job across both (keyBy between the processes over TCP) with the exact output', async () => {
      const out = path.join(dir, 'out');
      const r = await submit(cluster, out, 8000).result;
      expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
      expect(committedLines(out)).toEqual(expectedLines());
      // Each TaskManager ran one subtask of the keyed operator, and one of them read from the other over TCP.
      const [tm0, tm1] = ['taskmanager-0', 'taskmanager-1'].map((name) => cluster.log(name));
      for (const log of [tm0, tm1]) expect(log).toMatch(/Received task KeyedProcess .*\(\d\/2\)/);
      expect(readFromOtherSlot(tm0, tm1) || readFromOtherSlot(tm1, tm0)).toBe(true);
      await slotsFreed(cluster, 2);
    }, 180_000);

    it('flott cluster stop stops the TaskManagers, which deregister, then the JobManager; nothing is left running', async () => {
      const pids = cluster.pids();
      expect(pids.every((p) => isProcessAlive(p, cluster.dir))).toBe(true);
      const taskManagers = ['taskmanager-0', 'taskmanager-1'].map((n) => cluster.ready(n).resourceId as string);
      const said = await cluster.stop();
      expect(said).toMatch(/^Stopped the cluster: JobManager \(pid \d+\) stopped, TaskManager \(pid \d+\) stopped, TaskManager \(pid \d+\) stopped\.\n$/);
      expect(pids.filter((p) => isProcessAlive(p))).toEqual([]);
      expect(cluster.pids()).toEqual([]);
      expect(cluster.log('taskmanager-0')).toMatch(/TaskManager stopped/);
      // Each told the ResourceManager it leaves (it was still up), none had to be found lost.
      for (const id of taskManagers) expect(cluster.log('jobmanager')).toContain(`TaskManager ${id} disconnected: TaskManager stopped`);
      expect(`${cluster.log('taskmanager-0')}${cluster.log('taskmanager-1')}`).not.toContain('Could not tell the ResourceManager');
    }, 120_000);
  });

  describe('with three TaskManagers of one slot', () => {
    const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=1']);
    beforeAll(() => cluster.start(3), 120_000);
    afterAll(() => cluster.kill(), 30_000);

    it('kill -9 of a TaskManager mid-job: noticed from the closed connection, the job restarts on the spare slot and its output is exact', async () => {
      const out = path.join(dir, 'out');
      const run = submit(cluster, out, 1000, FIXED_DELAY_RESTARTS);
      await waitFor(() => SUBMITTED.test(run.output().stderr), 'the submission', 60_000);
      const jobId = SUBMITTED.exec(run.output().stderr)![1];
      // A checkpoint completed, so the restart has state to restore.
      let completed = 0;
      const deadline = Date.now() + 60_000;
      while (completed < 1) {
        if (Date.now() > deadline) throw new Error('no checkpoint completed within 60 s');
        completed = (await cluster.rest<{ counts: { completed: number } }>(`/jobs/${jobId}/checkpoints`)).counts.completed;
      }
      const taskManagers = (await cluster.rest<{ taskmanagers: Array<{ id: string; freeSlots: number }> }>('/taskmanagers')).taskmanagers;
      const busy = taskManagers.find((tm) => tm.freeSlots === 0)!;
      const victim = ['taskmanager-0', 'taskmanager-1', 'taskmanager-2'].map((n) => cluster.ready(n)).find((r) => r.resourceId === busy.id)!;
      const killedAt = Date.now();
      process.kill(victim.pid, 'SIGKILL');

      const r = await run.result;
      expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
      expect(committedLines(out)).toEqual(expectedLines());
      // Noticed from the closed connection, well under heartbeat.timeout (50 s).
      const lost = cluster
        .log('jobmanager')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { time: string; msg: string })
        .find((l) => l.msg.startsWith(`TaskManager ${busy.id} disconnected: connection to TaskManager lost`));
      expect(lost).toBeDefined();
      expect(Date.parse(lost!.time) - killedAt).toBeLessThan(5_000);
    }, 240_000);
  });

  describe('as a session cluster', () => {
    const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=3']);
    beforeAll(() => cluster.start(2), 120_000);
    afterAll(() => cluster.kill(), 30_000);

    it('runs three jobs at once and then one after another, each exactly, and frees their slots', async () => {
      const outs = [0, 1, 2].map((i) => path.join(dir, `at-once-${i}`));
      const results = await Promise.all(outs.map((out) => submit(cluster, out, 4000).result));
      for (const r of results) expect(r.code).toBe(0);
      for (const out of outs) expect(committedLines(out)).toEqual(expectedLines());
      for (let i = 0; i < 2; i++) {
        const out = path.join(dir, `after-${i}`);
        expect((await submit(cluster, out, 8000).result).code).toBe(0);
        expect(committedLines(out)).toEqual(expectedLines());
      }
      await slotsFreed(cluster, 6);
      expect(await cluster.rest<{ 'jobs-finished': number }>('/overview')).toMatchObject({ 'jobs-finished': 5 });
    }, 300_000);
  });

  describe('stopped while a job runs (flott cluster stop drains as jobmanager.shutdown.running-jobs says)', () => {
    const clusters: LocalCluster[] = [];
    afterAll(async () => {
      for (const c of clusters) await c.kill();
    }, 30_000);

    /** A cluster of one two-slot TaskManager running the checkpoint job detached; its id. */
    const runningJob = async (mode: 'cancel' | 'wait', n: number, rate: number): Promise<{ cluster: LocalCluster; jobId: string; out: string }> => {
      const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=2', '-D', `jobmanager.shutdown.running-jobs=${mode}`]);
      clusters.push(cluster);
      await cluster.start(1);
      const out = path.join(dir, `out-${mode}`);
      const r = await runFlott(['run', ...cluster.m, '-d', '-p', '2', '-D', 'execution.checkpointing.interval=100 ms', CHECKPOINT_JOB, '--n', String(n), '--rate', String(rate), '--out', out], 60_000);
      const jobId = SUBMITTED.exec(r.stderr)?.[1];
      if (r.code !== 0 || !jobId) throw new Error(`submission failed (${r.code}): ${r.stderr}`);
      await waitFor(() => cluster.log('jobmanager').includes(`(${jobId}) switched from state CREATED to RUNNING.`), 'the job to run', 30_000);
      return { cluster, jobId, out };
    };

    it('cancel (the default): the running job is cancelled, then every process stops', async () => {
      const { cluster, jobId } = await runningJob('cancel', 1_000_000, 1000);
      const pids = cluster.pids();
      await cluster.stop();
      expect(cluster.log('jobmanager')).toContain(`(${jobId}) switched from state CANCELLING to CANCELED.`);
      expect(pids.filter((p) => isProcessAlive(p))).toEqual([]);
    }, 120_000);

    it('wait: the running job finishes by itself, with its complete output, before any process stops', async () => {
      const { cluster, jobId, out } = await runningJob('wait', N, 2000);
      const pids = cluster.pids();
      await cluster.stop();
      expect(cluster.log('jobmanager')).toContain(`(${jobId}) switched from state RUNNING to FINISHED.`);
      expect(committedLines(out)).toEqual(expectedLines());
      expect(pids.filter((p) => isProcessAlive(p))).toEqual([]);
    }, 120_000);
  });

  describe('with internal mutual TLS (security.ssl.internal.*: a PKCS12 keystore, as Flink configures it)', () => {
    const certificates = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-internal-tls-'));
    const { files } = testCertificates(certificates);
    // The node's key and certificate in a PKCS12 keystore (Java's default type); the CA stays a PEM file beside it.
    const keystore = path.join(certificates, 'node.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-in', files.cert, '-inkey', files.key, '-name', 'flott', '-passout', 'pass:keystore-pass', '-out', keystore], { stdio: 'pipe' });
    const cluster = new LocalCluster([
      '-D', 'security.ssl.internal.enabled=true',
      '-D', `security.ssl.internal.keystore=${keystore}`,
      '-D', 'security.ssl.internal.keystore-password=keystore-pass',
      '-D', `security.ssl.internal.trust-certificate=${files.trust}`,
      '-D', 'taskmanager.numberOfTaskSlots=1',
    ]);
    beforeAll(() => cluster.start(2), 120_000);
    afterAll(async () => {
      await cluster.kill();
      fs.rmSync(certificates, { recursive: true, force: true });
    }, 30_000);

    it('runs a job across both TaskManagers: RPC, the job bundle (HTTPS blob server) and the keyBy data all over TLS, exactly', async () => {
      expect(cluster.log('jobmanager')).toMatch(/blob server at https:\/\//);
      const out = path.join(dir, 'out');
      const r = await submit(cluster, out, 8000).result;
      expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
      expect(committedLines(out)).toEqual(expectedLines());
      const [tm0, tm1] = ['taskmanager-0', 'taskmanager-1'].map((name) => cluster.log(name));
      expect(readFromOtherSlot(tm0, tm1) || readFromOtherSlot(tm1, tm0)).toBe(true);
      expect(['jobmanager', 'taskmanager-0', 'taskmanager-1'].map((n) => cluster.log(n)).join('')).not.toMatch(/Refused/);
    }, 180_000);
  });

  describe('with an internal secret', () => {
    const cluster = new LocalCluster(['-D', 'security.internal.secret=the-right-one', '-D', 'taskmanager.numberOfTaskSlots=1']);
    beforeAll(() => cluster.start(2), 120_000);
    afterAll(() => cluster.kill(), 30_000);

    it('runs a job whose keyBy crosses the TaskManagers over authenticated data connections, exactly', async () => {
      const out = path.join(dir, 'out');
      const r = await submit(cluster, out, 8000).result;
      expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(SUBMITTED)]);
      expect(committedLines(out)).toEqual(expectedLines());
      const [tm0, tm1] = ['taskmanager-0', 'taskmanager-1'].map((name) => cluster.log(name));
      expect(readFromOtherSlot(tm0, tm1) || readFromOtherSlot(tm1, tm0)).toBe(true);
      expect(`${tm0}${tm1}`).not.toMatch(/Refused a data connection|failed authentication/);
    }, 180_000);

    it('refuses a TaskManager with the wrong secret, which says so and exits; the JobManager logs why', async () => {
      const port = cluster.ready('jobmanager').rpcPort as number;
      const r = await runFlott(
        ['taskmanager', '-D', `jobmanager.rpc.port=${port}`, '-D', 'security.internal.secret=a-wrong-one', '-D', 'taskmanager.registration.timeout=2 s'],
        60_000,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/could not reach the ResourceManager .* within 2000 ms .*wrong shared secret/s);
      expect(cluster.log('jobmanager')).toMatch(/wrong shared secret/);
      const overview = await cluster.rest<{ taskmanagers: number }>('/overview');
      expect(overview.taskmanagers).toBe(2);
    }, 120_000);
  });
});
