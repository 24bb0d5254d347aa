/**
 * Every endpoint of the REST API answers per Flink's OpenAPI spec (shared/specs/flink-rest-v1-dispatcher.yml):
 * a session cluster of real processes (`flott cluster start`: a JobManager and a TaskManager) runs a
 * checkpointing streaming job that the real `flott run -m ... -d` submitted over REST; each answer is
 * validated against the spec's response schema with ajv.
 *
 * Where Flink's real JSON differs from its generated spec, Flott follows the real JSON: /watermarks is
 * a plain array (Flink's MetricCollectionResponseBody serializer); FlinkRestSpec reads the spec's
 * other known flaws.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { Configuration } from '@flott/core';
import { RestClusterClient } from '@flott/client';
import { SystemScheduler } from '@flott/runtime';
import { FlinkRestSpec } from '@flott/rest/testing';
import { main } from '../main';
import { startRestSession, type RestSession } from './rest-session';
import { pollUntil, REPO_ROOT, runFlott } from './run-cli';

// shared/ sits beside the repository (as on developers' machines and in CI).
const spec = new FlinkRestSpec(YAML.parse(fs.readFileSync(path.resolve(REPO_ROOT, '../shared/specs/flink-rest-v1-dispatcher.yml'), 'utf8')));

describe('REST API answers per Flink\'s OpenAPI spec', () => {
  let dir: string;
  let session: RestSession;
  let rest: { readonly url: string; readonly port: number };
  let client: RestClusterClient;
  let jobId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-rest-spec-'));
    session = await startRestSession([
      'taskmanager.numberOfTaskSlots=3',
      'execution.checkpointing.interval=100 ms',
      'execution.checkpointing.storage=filesystem',
      `execution.checkpointing.dir=${path.join(dir, 'checkpoints')}`,
      `execution.checkpointing.savepoint-dir=${path.join(dir, 'savepoints')}`,
    ]);
    rest = session;
    const config = Configuration.fromRecord({});
    client = new RestClusterClient({ url: rest.url, configuration: config, scheduler: new SystemScheduler() });
    const run = await runFlott(['run', '-m', `127.0.0.1:${rest.port}`, '-d', 'packages/cli/test-jobs/rest-jobs.ts', '--case', 'unbounded']);
    jobId = /JobID ([0-9a-f]{32})/.exec(run.stderr)?.[1] ?? '';
    expect([run.code, jobId]).toEqual([0, expect.stringMatching(/^[0-9a-f]{32}$/)]);
    await pollUntil(() => client.requestExecutionGraphInfo(jobId), (i) => (i.checkpoints?.counts.completed ?? 0) >= 2, 'two completed checkpoints');
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function answer(method: string, url: string, body?: object): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${rest.url}${url}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    return { status: res.status, json: await res.json() };
  }

  async function expectPerSpec(method: string, url: string, specPath: string, status = '200', body?: object): Promise<unknown> {
    const a = await answer(method, url, body);
    expect(a.status).toBe(Number(status));
    spec.checkAnswer(method, specPath, status, a.json);
    return a.json;
  }

  it('cluster endpoints: /config, /overview, /jobmanager/config, /taskmanagers, /taskmanagers/:id', async () => {
    await expectPerSpec('GET', '/config', '/config');
    expect(await expectPerSpec('GET', '/overview', '/overview')).toMatchObject({ taskmanagers: 1, 'slots-total': 3, 'jobs-running': 1 });
    const config = (await expectPerSpec('GET', '/jobmanager/config', '/jobmanager/config')) as Array<{ key: string; value: string }>;
    expect(config).toContainEqual({ key: 'taskmanager.numberOfTaskSlots', value: '3' });
    const { taskmanagers } = (await expectPerSpec('GET', '/taskmanagers', '/taskmanagers')) as { taskmanagers: Array<{ id: string; slotsNumber: number }> };
    expect(taskmanagers).toHaveLength(1);
    const tm = (await expectPerSpec('GET', `/taskmanagers/${taskmanagers[0].id}`, '/taskmanagers/{taskmanagerid}')) as { allocatedSlots: Array<{ jobId: string }> };
    expect(tm.allocatedSlots.length).toBeGreaterThan(0);
    expect(tm.allocatedSlots.every((s) => s.jobId === jobId)).toBe(true);
  });

  it('job endpoints: /jobs, /jobs/overview, /jobs/:jobid, plan, exceptions, config, execution-result', async () => {
    expect(await expectPerSpec('GET', '/jobs', '/jobs')).toEqual({ jobs: [{ id: jobId, status: 'RUNNING' }] });
    const overview = (await expectPerSpec('GET', '/jobs/overview', '/jobs/overview')) as { jobs: Array<{ jid: string; name: string; state: string }> };
    expect(overview.jobs.map((j) => [j.jid, j.name, j.state])).toEqual([[jobId, 'rest unbounded', 'RUNNING']]);
    const details = (await expectPerSpec('GET', `/jobs/${jobId}`, '/jobs/{jobid}')) as { vertices: Array<{ id: string }>; state: string };
    expect(details.state).toBe('RUNNING');
    const plan = (await expectPerSpec('GET', `/jobs/${jobId}/plan`, '/jobs/{jobid}/plan')) as { plan: { nodes: Array<{ id: string }> } };
    expect(plan.plan.nodes.map((n) => n.id)).toEqual(details.vertices.map((v) => v.id));
    await expectPerSpec('GET', `/jobs/${jobId}/exceptions?maxExceptions=5`, '/jobs/{jobid}/exceptions');
    await expectPerSpec('GET', `/jobs/${jobId}/config`, '/jobs/{jobid}/config');
    expect(await expectPerSpec('GET', `/jobs/${jobId}/execution-result`, '/jobs/{jobid}/execution-result')).toEqual({ status: { id: 'IN_PROGRESS' } });
  });

  it('checkpoint endpoints: statistics, config, one checkpoint\'s details, a manual checkpoint', async () => {
    const stats = (await expectPerSpec('GET', `/jobs/${jobId}/checkpoints`, '/jobs/{jobid}/checkpoints')) as { counts: { completed: number }; history: Array<{ id: number; status: string }> };
    expect(stats.counts.completed).toBeGreaterThanOrEqual(2);
    const done = stats.history.find((h) => h.status === 'COMPLETED')!;
    await expectPerSpec('GET', `/jobs/${jobId}/checkpoints/config`, '/jobs/{jobid}/checkpoints/config');
    expect(await expectPerSpec('GET', `/jobs/${jobId}/checkpoints/details/${done.id}`, '/jobs/{jobid}/checkpoints/details/{checkpointid}')).toMatchObject({ id: done.id, status: 'COMPLETED' });
    // The manual checkpoint (Flink 1.19) is newer than this spec: its trigger answers as the savepoint trigger does.
    const trigger = (await answer('POST', `/jobs/${jobId}/checkpoints`, {})).json as { 'request-id': string };
    type Status = { status: { id: string }; operation?: { checkpointId: number } };
    const status = await pollUntil(async () => (await answer('GET', `/jobs/${jobId}/checkpoints/${trigger['request-id']}`)).json as Status, (s) => s.status.id === 'COMPLETED', 'the manual checkpoint');
    expect(status.operation?.checkpointId).toBeGreaterThan(done.id);
  });

  it('vertex endpoints: details, subtask accumulators, backpressure, watermarks', async () => {
    const { vertices } = (await (await fetch(`${rest.url}/jobs/${jobId}`)).json()) as { vertices: Array<{ id: string; parallelism: number }> };
    for (const v of vertices) {
      const details = (await expectPerSpec('GET', `/jobs/${jobId}/vertices/${v.id}`, '/jobs/{jobid}/vertices/{vertexid}')) as { subtasks: Array<{ status: string }> };
      expect(details.subtasks.map((s) => s.status)).toEqual(Array(v.parallelism).fill('RUNNING'));
      await expectPerSpec('GET', `/jobs/${jobId}/vertices/${v.id}/subtasks/accumulators`, '/jobs/{jobid}/vertices/{vertexid}/subtasks/accumulators');
      const backPressure = (await expectPerSpec('GET', `/jobs/${jobId}/vertices/${v.id}/backpressure`, '/jobs/{jobid}/vertices/{vertexid}/backpressure')) as { status: string };
      expect(backPressure.status).toBe('ok');
      const watermarks = await answer('GET', `/jobs/${jobId}/vertices/${v.id}/watermarks`);
      expect(watermarks.status).toBe(200);
      spec.check({ type: 'array', items: { $ref: 'spec#/components/schemas/Metric' } }, watermarks.json, 'the watermarks (a plain array)');
    }
    // The source has no input (Flink's Long.MIN_VALUE); the keyed sum's input watermark follows event time (the records' values).
    const [source, sum] = vertices.map((v) => v.id);
    expect((await answer('GET', `/jobs/${jobId}/vertices/${source}/watermarks`)).json).toEqual([{ id: '0.currentInputWatermark', value: '-9223372036854775808' }]);
    const watermark = await pollUntil(
      async () => (await answer('GET', `/jobs/${jobId}/vertices/${sum}/watermarks`)).json as Array<{ id: string; value: string }>,
      (w) => w.length === 1 && Number(w[0].value) > 0,
      'an input watermark of the keyed sum',
    );
    expect(watermark[0].id).toBe('0.currentInputWatermark');
  });

  it("job submission: POST /jobs, as flott run sends it (multipart), answers 202 per JobSubmitResponseBody", async () => {
    // A pass-through proxy between the CLI and the JobManager keeps what POST /jobs answered.
    const answers: Array<{ status: number; body: string }> = [];
    const proxy = http.createServer((req, res) => {
      const upstream = http.request({ host: '127.0.0.1', port: rest.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          if (req.method === 'POST' && req.url === '/jobs') answers.push({ status: up.statusCode ?? 0, body: body.toString('utf8') });
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(body);
        });
      });
      upstream.on('error', (e) => res.destroy(e));
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const run = await runFlott(['run', '-m', `127.0.0.1:${port}`, '-d', 'packages/cli/test-jobs/rest-jobs.ts', '--case', 'unbounded']);
      const id = /JobID ([0-9a-f]{32})/.exec(run.stderr)?.[1] ?? '';
      expect(run.code).toBe(0);
      expect(answers).toHaveLength(1);
      expect(answers[0].status).toBe(202);
      const json = JSON.parse(answers[0].body) as { jobUrl: string };
      spec.checkAnswer('POST', '/jobs', '202', json);
      expect(json.jobUrl).toBe(`/jobs/${id}`);
      await client.cancelJob(id);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  }, 60_000);

  it('back-pressure: a fast source before a slow sink is back-pressured, the sink busy', async () => {
    const run = await runFlott(['run', '-m', `127.0.0.1:${rest.port}`, '-d', 'packages/cli/test-jobs/rest-jobs.ts', '--case', 'back-pressured']);
    const id = /JobID ([0-9a-f]{32})/.exec(run.stderr)?.[1] ?? '';
    expect(run.code).toBe(0);
    try {
      const info = await pollUntil(() => client.requestExecutionGraphInfo(id), (i) => i.status === 'RUNNING' && Object.values(i.subtasks).flat().every((e) => e.state === 'RUNNING'), 'the job running');
      const [source, sink] = info.jobGraph.vertices.map((v) => v.id);
      type BackPressure = { status: string; 'backpressure-level': string; subtasks: Array<{ ratio: number; busyRatio: number }> };
      const sample = async (vertex: string) => (await expectPerSpec('GET', `/jobs/${id}/vertices/${vertex}/backpressure`, '/jobs/{jobid}/vertices/{vertexid}/backpressure')) as BackPressure;
      // The first query covers the time since the task started (filling the buffers); the later ones the time since the previous one.
      await sample(source);
      await sample(sink);
      const sourceNow = await pollUntil(() => sample(source), (b) => b['backpressure-level'] === 'high', 'the source back-pressured', 20_000);
      expect(sourceNow.subtasks[0].ratio).toBeGreaterThan(0.5);
      const sinkNow = await pollUntil(() => sample(sink), (b) => b.status === 'ok' && b.subtasks[0].busyRatio > 0.5, 'the sink busy', 20_000);
      expect(sinkNow['backpressure-level']).toBe('ok');
    } finally {
      await client.cancelJob(id);
    }
  }, 60_000);

  it('the CLI verbs, run in this process against the endpoint', async () => {
    const m = ['-m', `127.0.0.1:${rest.port}`];
    const flott = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
      try {
        return { code: await main(args), stdout: out.join(''), stderr: err.join('') };
      } finally {
        stdout.mockRestore();
        stderr.mockRestore();
      }
    };
    expect((await flott('list', ...m, '-r')).stdout).toMatch(new RegExp(`: ${jobId} : rest unbounded \\(RUNNING\\)\\n`));
    expect((await flott('list', ...m, '-s')).stdout).toBe('No scheduled jobs.\n');
    const checkpoint = await flott('checkpoint', ...m, jobId, '--full');
    expect(checkpoint.stdout).toMatch(new RegExp(`^Triggering checkpoint for job ${jobId}\\.\\nCheckpoint\\(FULL\\) \\d+ for job ${jobId} completed\\.\\n$`));
    const savepoint = await flott('savepoint', ...m, jobId, path.join(dir, 'cli'));
    const location = /Path: (.+)\n/.exec(savepoint.stdout)![1];
    expect((await flott('savepoint', ...m, '--dispose', location)).stdout).toBe(`Disposing savepoint '${location}'.\nSavepoint '${location}' disposed.\n`);
    expect(fs.existsSync(location)).toBe(false);
    expect(await flott('savepoint', ...m)).toEqual({ code: 1, stdout: '', stderr: 'Error: flott savepoint needs a job id (or --dispose <path>)\n' });
    const unknown = 'f'.repeat(32);
    expect(await flott('cancel', ...m, unknown)).toEqual({ code: 1, stdout: '', stderr: `Error: Job ${unknown} not found\n` });
    expect((await flott('stop', ...m, unknown)).stderr).toBe(`Error: Job ${unknown} not found\n`);
    const missing = await flott('run', ...m, '-d', 'missing-job.ts');
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('missing-job.ts')]);
    expect((await flott('run', '-t', 'elsewhere', 'job.ts')).stderr).toBe('Error: Unknown execution target \'elsewhere\' (-t / execution.target). Known: local, remote\n');
  }, 60_000);

  it('savepoint and stop endpoints: trigger, status by trigger id; the job ends FINISHED', async () => {
    const trigger = (await expectPerSpec('POST', `/jobs/${jobId}/savepoints`, '/jobs/{jobid}/savepoints', '202', { 'target-directory': path.join(dir, 'sp') })) as { 'request-id': string };
    type Result = { status: { id: string }; operation?: { location?: string } };
    const statusOf = (triggerId: string) => async () => (await expectPerSpec('GET', `/jobs/${jobId}/savepoints/${triggerId}`, '/jobs/{jobid}/savepoints/{triggerid}')) as Result;
    const savepoint = await pollUntil(statusOf(trigger['request-id']), (r) => r.status.id === 'COMPLETED', 'the savepoint');
    expect(fs.existsSync(path.join(savepoint.operation!.location!, '_metadata'))).toBe(true);
    const stop = (await expectPerSpec('POST', `/jobs/${jobId}/stop`, '/jobs/{jobid}/stop', '202', { drain: false })) as { 'request-id': string };
    const stopped = await pollUntil(statusOf(stop['request-id']), (r) => r.status.id === 'COMPLETED', 'the stop');
    expect(stopped.operation!.location!.startsWith(path.join(dir, 'savepoints'))).toBe(true);
    await pollUntil(async () => ((await answer('GET', `/jobs/${jobId}/status`)).json as { status: string }).status, (s) => s === 'FINISHED', 'FINISHED');
    expect(await expectPerSpec('GET', `/jobs/${jobId}/execution-result`, '/jobs/{jobid}/execution-result')).toMatchObject({ status: { id: 'COMPLETED' }, 'job-execution-result': { id: jobId, 'application-status': 'SUCCEEDED' } });
  }, 60_000);
});
