/**
 * The REST API's task statistics on a real cluster: `flott cluster start` (a JobManager and two
 * TaskManager processes of two slots each) runs a job at parallelism 2, a fast event-time source
 * before a slow keyed sink in slots of its own (4 slots in all, spread over both processes). The
 * JobManager's REST API reaches the tasks through the ResourceManager's stats fan-out: /backpressure
 * shows both subtasks of each vertex with the sources back-pressured, /watermarks the sinks' input
 * watermarks, /taskmanagers/:id the heap. Answers are validated against Flink's spec.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { FlinkRestSpec } from '@flott/rest/testing';
import { LocalCluster } from './local-cluster';
import { pollUntil, REPO_ROOT, runFlott } from './run-cli';

const spec = new FlinkRestSpec(YAML.parse(fs.readFileSync(path.resolve(REPO_ROOT, '../shared/specs/flink-rest-v1-dispatcher.yml'), 'utf8')));

type Subtask = { subtask: number; status: string; 'taskmanager-id': string };
type BackPressure = { status: string; 'backpressure-level': string; subtasks: Array<{ subtask: number; ratio: number; busyRatio: number; 'backpressure-level': string }> };

describe('REST task statistics of a cluster of TaskManager processes', () => {
  // Small network buffers: a watermark reaches the slow sinks behind what is in flight, which with the
  // default 32 KiB buffers is ~10^5 records (seconds at the sinks' 20 K/s, tens of seconds on a loaded host).
  const cluster = new LocalCluster([
    '-D', 'taskmanager.numberOfTaskSlots=2',
    '-D', 'taskmanager.memory.segment-size=4096',
    '-D', 'taskmanager.network.memory.floating-buffers-per-gate=4',
  ]);
  let jobId = '';
  let source = '';
  let sink = '';

  beforeAll(async () => {
    await cluster.start(2);
    const run = await runFlott(['run', ...cluster.m, '-d', '-p', '2', 'packages/cli/test-jobs/rest-jobs.ts', '--case', 'back-pressured-keyed'], 90_000);
    jobId = /JobID ([0-9a-f]{32})/.exec(run.stderr)?.[1] ?? '';
    expect([run.code, jobId]).toEqual([0, expect.stringMatching(/^[0-9a-f]{32}$/)]);
    const details = await pollUntil(
      () => cluster.rest<{ state: string; vertices: Array<{ id: string; tasks: Record<string, number> }> }>(`/jobs/${jobId}`),
      (d) => d.state === 'RUNNING' && d.vertices.every((v) => v.tasks.RUNNING === 2),
      'every subtask running',
      60_000,
    );
    [source, sink] = details.vertices.map((v) => v.id);
  }, 180_000);

  afterAll(() => cluster.kill(), 30_000);

  async function get(url: string, specPath: string): Promise<unknown> {
    const res = await fetch(`${cluster.restUrl}${url}`);
    const json: unknown = await res.json();
    expect([url, res.status]).toEqual([url, 200]);
    spec.checkAnswer('GET', specPath, '200', json);
    return json;
  }

  it('runs the subtasks in both TaskManager processes', async () => {
    const taskManagers = new Set<string>();
    for (const vertex of [source, sink]) {
      const { subtasks } = (await get(`/jobs/${jobId}/vertices/${vertex}`, '/jobs/{jobid}/vertices/{vertexid}')) as { subtasks: Subtask[] };
      expect(subtasks.map((s) => s.status)).toEqual(['RUNNING', 'RUNNING']);
      for (const s of subtasks) taskManagers.add(s['taskmanager-id']);
    }
    expect(taskManagers.size).toBe(2);
  });

  it('/backpressure: both subtasks sampled; the sources back-pressured by the slow sinks (over TCP), the sinks busy', async () => {
    const sample = async (vertex: string) => (await get(`/jobs/${jobId}/vertices/${vertex}/backpressure`, '/jobs/{jobid}/vertices/{vertexid}/backpressure')) as BackPressure;
    // The first query of an attempt covers the time since it started (filling the buffers); the later ones the time since the previous one.
    await sample(source);
    await sample(sink);
    const sources = await pollUntil(() => sample(source), (b) => b.status === 'ok' && b.subtasks.every((s) => s.ratio > 0.5), 'both sources back-pressured', 30_000);
    expect(sources['backpressure-level']).toBe('high');
    expect(sources.subtasks.map((s) => [s.subtask, s['backpressure-level']])).toEqual([[0, 'high'], [1, 'high']]);
    const sinks = await pollUntil(() => sample(sink), (b) => b.status === 'ok' && b.subtasks.every((s) => s.busyRatio > 0.5), 'both sinks busy', 30_000);
    expect(sinks.subtasks.map((s) => [s.subtask, s['backpressure-level']])).toEqual([[0, 'ok'], [1, 'ok']]);
  }, 70_000);

  it("/watermarks: both sinks' input watermarks; the sources have none (Long.MIN_VALUE)", async () => {
    const watermarks = async (vertex: string) => {
      const res = await fetch(`${cluster.restUrl}/jobs/${jobId}/vertices/${vertex}/watermarks`);
      expect(res.status).toBe(200);
      const json = (await res.json()) as Array<{ id: string; value: string }>;
      // Flink's real JSON is a plain array of metrics (see rest-api-spec.it.spec.ts).
      spec.check({ type: 'array', items: { $ref: 'spec#/components/schemas/Metric' } }, json, 'the watermarks (a plain array)');
      return json;
    };
    expect(await watermarks(source)).toEqual([
      { id: '0.currentInputWatermark', value: '-9223372036854775808' },
      { id: '1.currentInputWatermark', value: '-9223372036854775808' },
    ]);
    const sinks = await pollUntil(() => watermarks(sink), (w) => w.length === 2 && w.every((m) => Number(m.value) > 0), 'input watermarks at both sinks', 30_000);
    expect(sinks.map((m) => m.id)).toEqual(['0.currentInputWatermark', '1.currentInputWatermark']);
    // Event time keeps advancing while the sources stay back-pressured (periodic watermarks are not starved).
    const first = sinks.map((m) => BigInt(m.value));
    await pollUntil(() => watermarks(sink), (w) => w.length === 2 && w.every((m, i) => BigInt(m.value) > first[i]), 'the sinks\' watermarks advancing', 30_000);
  }, 70_000);

  it('/taskmanagers and /taskmanagers/:id: both processes, with the heap their slot threads use', async () => {
    const { taskmanagers } = (await get('/taskmanagers', '/taskmanagers')) as { taskmanagers: Array<{ id: string }> };
    expect(taskmanagers).toHaveLength(2);
    for (const { id } of taskmanagers) {
      const tm = (await get(`/taskmanagers/${id}`, '/taskmanagers/{taskmanagerid}')) as { metrics: { heapUsed: number }; allocatedSlots: Array<{ jobId: string }> };
      expect(tm.metrics.heapUsed).toBeGreaterThan(0);
      expect(tm.allocatedSlots.map((s) => s.jobId)).toEqual([jobId, jobId]);
    }
  });

  it('a hung TaskManager process (SIGSTOP) is left out of the statistics after rest.taskmanager-stats.timeout; REST keeps answering', async () => {
    const { taskmanagers } = (await get('/taskmanagers', '/taskmanagers')) as { taskmanagers: Array<{ id: string }> };
    const hung = cluster.ready('taskmanager-1');
    process.kill(hung.pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const heaps = await Promise.all(
        taskmanagers.map(async ({ id }) => [id, ((await get(`/taskmanagers/${id}`, '/taskmanagers/{taskmanagerid}')) as { metrics: { heapUsed: number } }).metrics.heapUsed] as const),
      );
      // The stats timeout is 2 s; its connection is still open, so nothing else would end the wait but rpc.ask-timeout (30 s).
      expect(Date.now() - started).toBeLessThan(6_000);
      // Unknown (-1) for the hung one; the other still reports.
      expect(heaps.filter(([, heap]) => heap === -1).map(([id]) => id)).toEqual([hung.resourceId]);
      expect(heaps.filter(([, heap]) => heap > 0)).toHaveLength(1);
    } finally {
      process.kill(hung.pid, 'SIGCONT');
    }
  });
});
