/**
 * A JobManager process under malformed requests: 1 200 of them (bad ids, bad JSON, bodies over
 * rest.server.max-content-length, wrong methods, path traversal, broken multipart submissions) on its
 * REST API while a job runs, and path traversal in blob keys on its blob server. Every answer is a 4xx
 * with an error body, and afterwards the cluster is up: the job still runs, the TaskManager is still
 * registered, the JobManager process is alive.
 */
import * as http from 'node:http';
import { isProcessAlive, SeededRandom } from '@flott/runtime';
import { fuzzRestEndpoint } from '@flott/rest/testing';
import { startRestSession, type RestSession } from './rest-session';
import { runFlott } from './run-cli';

const SEED = Number(process.env.FLOTT_FUZZ_SEED ?? 20261204);
const REQUESTS = 1200;
const MAX_CONTENT = 64 * 1024;

/** A GET on the blob server with a raw (unnormalised) path: its status. */
function blobStatus(address: string, rawPath: string): Promise<number> {
  const u = new URL(address);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET', timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${rawPath} did not answer`)));
    req.on('error', reject);
    req.end();
  });
}

describe(`a JobManager process under malformed requests (seed ${SEED})`, () => {
  let session: RestSession;
  beforeAll(async () => {
    session = await startRestSession([`rest.server.max-content-length=${MAX_CONTENT}`]);
  }, 120_000);
  afterAll(() => session?.close(), 60_000);

  it(`answers ${REQUESTS} malformed REST requests and path traversal on the blob server with 4xx, and stays up with its job running`, async () => {
    const run = await runFlott(['run', '-m', `127.0.0.1:${session.port}`, '-d', 'packages/cli/test-jobs/rest-jobs.ts', '--case', 'unbounded']);
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.stderr)?.[1] as string;
    expect([run.code, jobId]).toEqual([0, expect.stringMatching(/^[0-9a-f]{32}$/)]);
    const job = (await (await fetch(`${session.url}/jobs/${jobId}`)).json()) as { vertices: Array<{ id: string }> };

    const { wrong, statuses } = await fuzzRestEndpoint(session.url, new SeededRandom(SEED), { jobId, vertexId: job.vertices[0].id, maxContentLength: MAX_CONTENT }, REQUESTS);
    expect({ seed: SEED, wrong }).toEqual({ seed: SEED, wrong: [] });
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 404, 413, 415]));

    const blobServer = (session.cluster.ready('jobmanager') as unknown as { blobServer: string }).blobServer;
    const traversal = ['/blobs/..%2F..%2Fetc%2Fpasswd', '/blobs/../../etc/passwd', '/blobs/%2e%2e%2f%2e%2e%2fetc%2fpasswd', `/blobs/${'a'.repeat(63)}`, `/blobs/${'A'.repeat(64)}`, '/../etc/passwd', '/blobs/', `/blobs/${'0'.repeat(64)}/../x`];
    for (const rawPath of traversal) {
      const status = await blobStatus(blobServer, rawPath);
      expect({ rawPath, status: status >= 400 && status < 500 }).toEqual({ rawPath, status: true });
    }

    const overview = (await (await fetch(`${session.url}/overview`)).json()) as { taskmanagers: number; 'jobs-running': number };
    expect(overview).toMatchObject({ taskmanagers: 1, 'jobs-running': 1 });
    expect(((await (await fetch(`${session.url}/jobs/${jobId}`)).json()) as { state: string }).state).toBe('RUNNING');
    expect(isProcessAlive(session.cluster.ready('jobmanager').pid)).toBe(true);
    expect(session.log()).not.toMatch(/"level":50/);
  }, 180_000);
});
