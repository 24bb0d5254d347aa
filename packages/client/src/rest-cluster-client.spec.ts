import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Configuration } from '@flott/core';
import { JobStatus, SystemScheduler, type JobGraph } from '@flott/runtime';
import { RestClusterClient, restBaseUrl } from './rest-cluster-client';

const JOB = 'a'.repeat(32);

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly contentType?: string;
}

/**
 * A stand-in for the REST API with canned answers (the real server is tested in @flott/rest and end
 * to end in the CLI): each trigger answers IN_PROGRESS once, then its result.
 */
async function fakeRestApi() {
  const seen: Seen[] = [];
  const polls = new Map<string, number>();
  const operation = (id: string, done: object) => {
    const n = polls.get(id) ?? 0;
    polls.set(id, n + 1);
    return n === 0 ? { status: { id: 'IN_PROGRESS' } } : { status: { id: 'COMPLETED' }, operation: done };
  };
  const routes: Record<string, (body: string) => [number, unknown]> = {
    'POST /jobs': () => [202, { jobUrl: `/jobs/${JOB}` }],
    [`GET /jobs/${JOB}/status`]: () => [200, { status: 'RUNNING' }],
    [`GET /jobs/${JOB}`]: () => [200, { jid: JOB, vertices: [
      { id: 'v1', metrics: { 'read-records': 0, 'read-records-complete': true, 'write-records': 30, 'write-records-complete': true } },
      { id: 'v2', metrics: { 'read-records': 30, 'read-records-complete': false, 'write-records': 5, 'write-records-complete': false } },
    ] }],
    [`GET /jobs/${'f'.repeat(32)}`]: () => [200, { jid: 'f'.repeat(32), vertices: [{ id: 'v1', metrics: { 'read-records': 0, 'read-records-complete': false, 'write-records': 0, 'write-records-complete': false } }] }],
    [`GET /flott/jobs/${JOB}/result`]: () => [200, { jobId: JOB, jobName: 'j', status: 'FINISHED', netRuntimeMs: 5, accumulators: { n: 1 } }],
    [`GET /flott/jobs/${JOB}/info`]: () => [200, { jobId: JOB, jobName: 'j', status: 'RUNNING', startTime: 7 }],
    'GET /jobs/overview': () => [200, { jobs: [{ jid: JOB, name: 'j', state: 'RUNNING', 'start-time': 7 }] }],
    [`PATCH /jobs/${JOB}?mode=cancel`]: () => [202, {}],
    [`PATCH /jobs/${'b'.repeat(32)}?mode=cancel`]: () => [409, { errors: ['already ended'] }],
    [`PATCH /jobs/${'c'.repeat(32)}?mode=cancel`]: () => [404, { errors: ['not found'] }],
    [`POST /flott/jobs/${JOB}/collect`]: () => [200, { version: 0, records: [{ sinkId: 's', records: [1] }] }],
    [`POST /jobs/${JOB}/savepoints`]: () => [202, { 'request-id': '1'.repeat(32) }],
    [`GET /jobs/${JOB}/savepoints/${'1'.repeat(32)}`]: () => [200, operation('sp', { location: '/sp/1' })],
    [`POST /jobs/${JOB}/stop`]: () => [202, { 'request-id': '2'.repeat(32) }],
    [`GET /jobs/${JOB}/savepoints/${'2'.repeat(32)}`]: () => [200, operation('stop', { location: '/sp/2' })],
    [`POST /jobs/${JOB}/checkpoints`]: () => [202, { 'request-id': '3'.repeat(32) }],
    [`GET /jobs/${JOB}/checkpoints/${'3'.repeat(32)}`]: () => [200, operation('cp', { checkpointId: 9 })],
    [`POST /jobs/${'d'.repeat(32)}/savepoints`]: () => [202, { 'request-id': '6'.repeat(32) }],
    [`GET /jobs/${'d'.repeat(32)}/savepoints/${'6'.repeat(32)}`]: () => [200, { status: { id: 'COMPLETED' }, operation: { 'failure-cause': { class: 'java.lang.Exception', 'stack-trace': 'java.lang.Exception: no' } } }],
    [`POST /jobs/${'e'.repeat(32)}/savepoints`]: () => [202, { 'request-id': '7'.repeat(32) }],
    [`GET /jobs/${'e'.repeat(32)}/savepoints/${'7'.repeat(32)}`]: () => [200, operation('class-only', { 'failure-cause': { class: 'java.io.IOException' } })],
    'POST /savepoint-disposal': (body) => [200, { 'request-id': body.includes('/gone') ? '5'.repeat(32) : '4'.repeat(32) }],
    [`GET /savepoint-disposal/${'4'.repeat(32)}`]: () => [200, { status: { id: 'COMPLETED' }, operation: {} }],
    [`GET /savepoint-disposal/${'5'.repeat(32)}`]: () => [
      200,
      { status: { id: 'COMPLETED' }, operation: { 'failure-cause': { class: 'FlottError', 'flott-error': { code: 'CHECKPOINT_DATA_NOT_FOUND', name: 'FlottError', message: 'No savepoint at /gone' } } } },
    ],
  };
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      seen.push({ method: req.method!, url: req.url!, body, contentType: req.headers['content-type'] });
      const [status, json] = routes[`${req.method} ${req.url}`]?.(body) ?? [404, { errors: [`Not found: ${req.url}`] }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  const client = new RestClusterClient({ url, configuration: new Configuration(), scheduler: new SystemScheduler(), maxPollIntervalMs: 5 });
  return { url, client, seen, close: () => new Promise<void>((r) => s.close(() => r())) };
}

describe('RestClusterClient', () => {
  let api: Awaited<ReturnType<typeof fakeRestApi>>;
  beforeEach(async () => {
    api = await fakeRestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('submits the job graph file and the bundle put before it in one multipart POST /jobs', async () => {
    const jobGraph = { jobId: JOB, jobName: 'j', vertices: [] } as unknown as JobGraph;
    await expect(api.client.submitJob({ jobGraph, artifact: { sha256: 'ab', size: 3 }, args: [], configuration: {} })).rejects.toMatchObject({ code: 'INVALID_JOB_SUBMISSION' });
    await api.client.putBlob('ab', new TextEncoder().encode('abc'));
    await expect(api.client.getBlob('ab')).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    await expect(api.client.submitJob({ jobGraph, artifact: { sha256: 'ab', size: 3 }, args: ['--n', '1'], configuration: { 'parallelism.default': 2 } })).resolves.toBe(JOB);
    const post = api.seen.find((r) => r.method === 'POST' && r.url === '/jobs')!;
    const boundary = /boundary=(flott-[0-9a-f]{32})$/.exec(post.contentType!)![1];
    const parts = post.body.split(`--${boundary}`).slice(1, -1);
    expect(parts.map((p) => /name="([^"]+)"(?:; filename="([^"]+)")?/.exec(p)!.slice(1, 3))).toEqual([
      ['request', undefined],
      ['file_0', 'job-graph.json'],
      ['file_1', 'job.js'],
    ]);
    expect(JSON.parse(parts[0].split('\r\n\r\n')[1])).toEqual({ jobGraphFileName: 'job-graph.json', jobJarFileNames: ['job.js'], jobArtifactFileNames: [] });
    expect(JSON.parse(parts[1].split('\r\n\r\n')[1])).toEqual({ jobGraph, args: ['--n', '1'], configuration: { 'parallelism.default': 2 } });
    expect(parts[2].split('\r\n\r\n')[1]).toBe('abc\r\n');
  });

  it('queries status, result, details, the job list and what collect sinks delivered', async () => {
    const c = api.client;
    expect(await c.requestJobStatus(JOB)).toBe(JobStatus.RUNNING);
    expect(await c.requestJobResult(JOB)).toMatchObject({ status: 'FINISHED', accumulators: { n: 1 } });
    expect(await c.requestJobDetails(JOB)).toMatchObject({ jobId: JOB, startTime: 7 });
    expect(await c.listJobs()).toEqual([{ jobId: JOB, jobName: 'j', status: 'RUNNING' }]);
    expect(await c.jobsOverview()).toEqual([{ jobId: JOB, jobName: 'j', status: 'RUNNING', startTime: 7 }]);
    expect(await c.pollCollected(JOB)).toEqual({ version: 0, records: [{ sinkId: 's', records: [1] }] });
  });

  it("sums the vertices' record counts of /jobs/:jobid for the live status line; none when no task reported", async () => {
    expect(await api.client.requestJobRecords(JOB)).toEqual({ in: 30, out: 35 });
    expect(await api.client.requestJobRecords('f'.repeat(32))).toBeUndefined();
  });

  it('cancels; a job that already ended is no error, an unknown one is', async () => {
    await api.client.cancelJob(JOB);
    await api.client.cancelJob('b'.repeat(32));
    await expect(api.client.cancelJob('c'.repeat(32))).rejects.toMatchObject({ httpStatus: 404, message: 'not found' });
  });

  it('triggers savepoints, stops and checkpoints and polls each until it completed', async () => {
    const c = api.client;
    await expect(c.triggerSavepoint(JOB, '/sp')).resolves.toBe('/sp/1');
    await expect(c.stopWithSavepoint(JOB, undefined, true)).resolves.toBe('/sp/2');
    await expect(c.triggerCheckpoint(JOB, true)).resolves.toBe(9);
    const posts = api.seen.filter((r) => r.method === 'POST').map((r) => [r.url, JSON.parse(r.body)]);
    expect(posts).toEqual([
      [`/jobs/${JOB}/savepoints`, { 'target-directory': '/sp' }],
      [`/jobs/${JOB}/stop`, { drain: true }],
      [`/jobs/${JOB}/checkpoints`, { checkpointType: 'FULL' }],
    ]);
    expect(api.seen.filter((r) => r.method === 'GET').length).toBe(6);
  });

  it('sends only what was given: no directory, no drain, the configured checkpoint kind; a failure without a typed error keeps its stack trace', async () => {
    const c = api.client;
    await c.triggerSavepoint(JOB);
    await c.stopWithSavepoint(JOB, '/stop');
    await c.triggerCheckpoint(JOB);
    expect(api.seen.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body))).toEqual([{}, { drain: false, targetDirectory: '/stop' }, { checkpointType: 'CONFIGURED' }]);
    await expect(c.triggerSavepoint('d'.repeat(32))).rejects.toMatchObject({ code: 'OPERATION_FAILED', message: 'java.lang.Exception: no' });
    // With the default poll pause, and a failure that names only its class.
    const defaults = new RestClusterClient({ url: api.url, configuration: new Configuration(), scheduler: new SystemScheduler() });
    await expect(defaults.triggerSavepoint('e'.repeat(32))).rejects.toMatchObject({ code: 'OPERATION_FAILED', message: 'java.io.IOException' });
  });

  it("disposes a savepoint; a failed disposal rejects with the server's typed error", async () => {
    await api.client.disposeSavepoint('/sp/1');
    await expect(api.client.disposeSavepoint('/gone')).rejects.toMatchObject({ code: 'CHECKPOINT_DATA_NOT_FOUND', message: 'No savepoint at /gone' });
  });
});

describe('restBaseUrl', () => {
  it('takes -m host:port, a URL, or rest.address and rest.port; https with security.ssl.rest.enabled', () => {
    const none = new Configuration();
    expect(restBaseUrl(none)).toBe('http://localhost:8081');
    expect(restBaseUrl(none, 'jm:9000')).toBe('http://jm:9000');
    expect(restBaseUrl(none, 'jm')).toBe('http://jm:8081');
    expect(restBaseUrl(none, 'https://jm:1/')).toBe('https://jm:1');
    expect(restBaseUrl(Configuration.fromRecord({ 'rest.address': 'a', 'rest.port': 1, 'security.ssl.rest.enabled': true }))).toBe('https://a:1');
    expect(() => restBaseUrl(none, 'jm:port')).toThrow("-m/--jobmanager: 'jm:port' is not host:port");
  });
});
