import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { RestOptions } from '@flott/runtime';
import { buildMultipart } from './multipart';
import { RestServerEndpoint, bindPorts } from './rest-server-endpoint';
import { request } from './testing/http';
import { JOB_ID, SINK_VERTEX, TestingDispatcherGateway, testJobGraph } from './testing-fixtures/testing-dispatcher-gateway';

function config(entries: Record<string, unknown> = {}): Configuration {
  return Configuration.fromRecord({ 'rest.bind-address': '127.0.0.1', 'rest.port': 0, ...entries });
}

describe('RestServerEndpoint', () => {
  let server: RestServerEndpoint | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(dispatcher = new TestingDispatcherGateway(), entries: Record<string, unknown> = {}) {
    server = await RestServerEndpoint.start({ dispatcher, configuration: config(entries) });
    return { dispatcher, url: server.url };
  }

  it('lists jobs and cancels one with PATCH; a second cancel is a conflict', async () => {
    const { dispatcher, url } = await start();
    expect((await request(`${url}/jobs`)).json()).toEqual({ jobs: [{ id: JOB_ID, status: 'RUNNING' }] });
    expect((await request(`${url}/jobs/${JOB_ID}?mode=cancel`, { method: 'PATCH' })).status).toBe(202);
    expect(dispatcher.canceled).toEqual([JOB_ID]);
    const again = await request(`${url}/jobs/${JOB_ID}`, { method: 'PATCH' });
    expect([again.status, again.json()]).toEqual([409, { errors: [`Job ${JOB_ID} is already CANCELED`] }]);
    expect((await request(`${url}/jobs/${JOB_ID}/execution-result`)).json()).toEqual({
      status: { id: 'COMPLETED' },
      'job-execution-result': { id: JOB_ID, 'application-status': 'CANCELED', 'accumulator-results': {}, 'net-runtime': 1234 },
    });
    const stop = await request(`${url}/jobs/${JOB_ID}?mode=stop`, { method: 'PATCH' });
    expect([stop.status, stop.json()]).toEqual([400, { errors: ['mode=stop is not supported; stop a job with POST /jobs/:jobid/stop (stop-with-savepoint)'] }]);
  });

  it('answers an unknown job 404 and a malformed id 400, in Flink\'s error body', async () => {
    const { url } = await start();
    const unknown = await request(`${url}/jobs/${'f'.repeat(32)}`);
    expect([unknown.status, unknown.json()]).toEqual([404, { errors: [`Job ${'f'.repeat(32)} not found`] }]);
    const bad = await request(`${url}/jobs/not-a-job-id`);
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ errors: ['Bad request: path parameter jobid must be 32 lower-case hex digits'] });
  });

  it('hides secrets in /jobmanager/config and the job config', async () => {
    const { url } = await start(undefined, { 'rest.authentication.token': 'tok', 's3.secret-key': 'hush' });
    const entries = (await request(`${url}/jobmanager/config`, { headers: { authorization: 'Bearer tok' } })).json<Array<{ key: string; value: string }>>();
    expect(entries.find((e) => e.key === 'rest.authentication.token')).toEqual({ key: 'rest.authentication.token', value: '******' });
    expect(entries.find((e) => e.key === 'rest.port')).toEqual({ key: 'rest.port', value: '0' });
    const job = (await request(`${url}/jobs/${JOB_ID}/config`, { headers: { authorization: 'Bearer tok' } })).json<{ 'execution-config': { 'user-config': Record<string, string> } }>();
    expect(job['execution-config']['user-config']).toEqual({ 'parallelism.default': '2', 's3.secret-key': '******' });
  });

  it('triggers a savepoint, a stop with drain and a checkpoint, and reports each by trigger id', async () => {
    const { dispatcher, url } = await start();
    const json = { 'content-type': 'application/json' };
    const sp = (await request(`${url}/jobs/${JOB_ID}/savepoints`, { method: 'POST', headers: json, body: JSON.stringify({ 'target-directory': '/sp' }) })).json<{ 'request-id': string }>();
    expect(sp['request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect((await request(`${url}/jobs/${JOB_ID}/savepoints/${sp['request-id']}`)).json()).toEqual({ status: { id: 'COMPLETED' }, operation: { location: '/sp/savepoint-1' } });
    const cp = (await request(`${url}/jobs/${JOB_ID}/checkpoints`, { method: 'POST', headers: json, body: '{}' })).json<{ 'request-id': string }>();
    expect((await request(`${url}/jobs/${JOB_ID}/checkpoints/${cp['request-id']}`)).json()).toEqual({ status: { id: 'COMPLETED' }, operation: { checkpointId: 7 } });
    const full = (await request(`${url}/jobs/${JOB_ID}/checkpoints`, { method: 'POST', headers: json, body: JSON.stringify({ checkpointType: 'FULL' }) })).json<{ 'request-id': string }>();
    const failed = (await request(`${url}/jobs/${JOB_ID}/checkpoints/${full['request-id']}`)).json<{ operation: { 'failure-cause': { class: string; 'flott-error': { code: string } } } }>();
    expect(failed.operation['failure-cause']['flott-error'].code).toBe('FULL_CHECKPOINT_NOT_SUPPORTED');
    const triggerId = '1'.repeat(32);
    const stop = (await request(`${url}/jobs/${JOB_ID}/stop`, { method: 'POST', headers: json, body: JSON.stringify({ targetDirectory: '/stop', drain: true, triggerId }) })).json();
    expect(stop).toEqual({ 'request-id': triggerId });
    expect((await request(`${url}/jobs/${JOB_ID}/savepoints/${triggerId}`)).json()).toEqual({ status: { id: 'COMPLETED' }, operation: { location: '/stop/savepoint-2' } });
    expect(dispatcher.savepoints).toEqual([
      { jobId: JOB_ID, directory: '/sp', stop: false },
      { jobId: JOB_ID, directory: '/stop', stop: true, drain: true },
    ]);
    expect((await request(`${url}/jobs/${JOB_ID}/savepoints/${'2'.repeat(32)}`)).status).toBe(404);
  });

  it('disposes a savepoint asynchronously and reports a failed disposal with its typed error', async () => {
    const { dispatcher, url } = await start();
    const json = { 'content-type': 'application/json' };
    const ok = (await request(`${url}/savepoint-disposal`, { method: 'POST', headers: json, body: JSON.stringify({ 'savepoint-path': '/savepoints/sp-1' }) })).json<{ 'request-id': string }>();
    expect((await request(`${url}/savepoint-disposal/${ok['request-id']}`)).json()).toEqual({ status: { id: 'COMPLETED' }, operation: {} });
    expect(dispatcher.disposed).toEqual(['/savepoints/sp-1']);
    const bad = (await request(`${url}/savepoint-disposal`, { method: 'POST', headers: json, body: JSON.stringify({ 'savepoint-path': '/elsewhere' }) })).json<{ 'request-id': string }>();
    const failed = (await request(`${url}/savepoint-disposal/${bad['request-id']}`)).json<{ operation: { 'failure-cause': { 'flott-error': { code: string; message: string } } } }>();
    expect(failed.operation['failure-cause']['flott-error']).toMatchObject({ code: 'CHECKPOINT_DATA_NOT_FOUND', message: 'No savepoint at /elsewhere' });
    expect((await request(`${url}/savepoint-disposal`, { method: 'POST', headers: json, body: '{}' })).status).toBe(400);
  });

  it('accepts a multipart job submission: the bundle goes to the blob server under its SHA-256', async () => {
    const { dispatcher, url } = await start();
    const jobId = '9'.repeat(32);
    const body = buildMultipart(
      [
        { name: 'request', data: Buffer.from(JSON.stringify({ jobGraphFileName: 'job.json', jobJarFileNames: ['job.js'] })) },
        { name: 'file_0', filename: 'job.json', data: Buffer.from(JSON.stringify({ jobGraph: testJobGraph(jobId), args: ['--n', '3'], configuration: { 'parallelism.default': 2 } })) },
        { name: 'file_1', filename: 'job.js', data: Buffer.from('export {}') },
      ],
      'flott-boundary',
    );
    const r = await request(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=flott-boundary' }, body });
    expect([r.status, r.json()]).toEqual([202, { jobUrl: `/jobs/${jobId}` }]);
    expect(dispatcher.submissions[0]).toMatchObject({ args: ['--n', '3'], configuration: { 'parallelism.default': 2 }, artifact: { sha256: createHash('sha256').update('export {}').digest('hex'), size: 9 } });
    expect(Buffer.from(dispatcher.blobs.get(dispatcher.submissions[0].artifact.sha256)!).toString()).toBe('export {}');
  });

  it('requires the bearer token when rest.authentication.token is set', async () => {
    const { url } = await start(undefined, { 'rest.authentication.token': 's3cr3t' });
    const none = await request(`${url}/overview`);
    expect([none.status, none.headers['www-authenticate']]).toEqual([401, 'Bearer realm="flott"']);
    expect((await request(`${url}/overview`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await request(`${url}/overview`, { headers: { authorization: 'Basic s3cr3t' } })).status).toBe(401);
    const ok = await request(`${url}/overview`, { headers: { authorization: 'Bearer s3cr3t' } });
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ 'jobs-running': 1, 'jobs-finished': 0 });
  });

  it('serves HTTPS with the PEM key and certificate of security.ssl.rest.*', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-rest-tls-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
      const { url } = await start(undefined, { 'security.ssl.rest.enabled': true, 'security.ssl.rest.key-file': key, 'security.ssl.rest.cert-file': cert });
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const r = await request(`${url}/jobs`, { ca: fs.readFileSync(cert) });
      expect([r.status, r.json()]).toEqual([200, { jobs: [{ id: JOB_ID, status: 'RUNNING' }] }]);
      // Without the certificate the client refuses the server.
      await expect(request(`${url}/jobs`)).rejects.toThrow(/self[- ]signed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails to start with a clear error when TLS is on without a key file', async () => {
    await expect(RestServerEndpoint.start({ dispatcher: new TestingDispatcherGateway(), configuration: config({ 'security.ssl.rest.enabled': true }) })).rejects.toThrow(
      'security.ssl.rest.enabled is true but security.ssl.rest.key-file is not set',
    );
  });

  it('reads rest.bind-port as a port, a range or a list', () => {
    expect(bindPorts(Configuration.fromRecord({ 'rest.port': 9000 }))).toEqual([9000]);
    expect(bindPorts(Configuration.fromRecord({ 'rest.bind-port': '50100-50102, 50200' }))).toEqual([50100, 50101, 50102, 50200]);
    expect(() => bindPorts(Configuration.fromRecord({ 'rest.bind-port': '50102-50100' }))).toThrow(/rest.bind-port: '50102-50100' is not a port/);
    expect(RestOptions.PORT.defaultValue).toBe(8081);
  });

  it('answers a vertex of the job and 404 for a vertex it does not have', async () => {
    const { url } = await start();
    const v = (await request(`${url}/jobs/${JOB_ID}/vertices/${SINK_VERTEX}`)).json<{ name: string; subtasks: Array<{ status: string; 'taskmanager-id': string }> }>();
    expect(v.name).toBe('Sink: print');
    expect(v.subtasks.map((s) => s.status)).toEqual(['RUNNING', 'RUNNING']);
    expect((await request(`${url}/jobs/${JOB_ID}/vertices/${'0'.repeat(32)}`)).status).toBe(404);
  });
});
