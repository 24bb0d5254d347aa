/**
 * The answers built from a Dispatcher with a failure history and a failed checkpoint (what a freshly
 * started job in the CLI's spec test does not have) match Flink's OpenAPI spec; the CLI's
 * rest-api-spec.it.spec.ts validates the same against a real cluster (FlinkRestSpec says how the
 * spec's known flaws are read).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { Configuration } from '@flott/core';
import { RestServerEndpoint } from './rest-server-endpoint';
import type { ClusterInfoGateway } from './cluster-info';
import { FlinkRestSpec } from './testing/flink-rest-spec';
import { request } from './testing/http';
import { JOB_ID, SINK_VERTEX, SOURCE_VERTEX, TestingDispatcherGateway } from './testing-fixtures/testing-dispatcher-gateway';

// shared/ sits beside the repository.
const spec = new FlinkRestSpec(YAML.parse(fs.readFileSync(path.resolve(__dirname, '../../../../shared/specs/flink-rest-v1-dispatcher.yml'), 'utf8')));

const TM = 'tm-1';
const cluster: ClusterInfoGateway = {
  overview: async () => ({ taskManagers: 1, slotsTotal: 4, slotsAvailable: 0, canStartWorkers: false }),
  taskManagers: async () => [{
    id: TM, path: 'local://tm-1', dataPort: 6121, slotsNumber: 4, freeSlots: 0, timeSinceLastHeartbeat: 5, heapUsedBytes: 1 << 20,
    totalResources: { cpuCores: 4, taskHeapMemoryMB: 1024 }, freeResources: { cpuCores: 1.5, taskHeapMemoryMB: 256 },
  }],
  taskTimes: async () => ({}),
  taskWatermarks: async () => ({ [`${SINK_VERTEX.slice(0, 8)}-0`]: 1500, [`${SINK_VERTEX.slice(0, 8)}-1`]: Number.POSITIVE_INFINITY }),
  // Sink subtask 1 did not report (its TaskManager did not answer): its counts are missing, the vertex's are incomplete.
  taskRecords: async () => ({ [`${SINK_VERTEX.slice(0, 8)}-0`]: { in: 40, out: 0 } }),
};

describe('REST answers with failures and checkpoint history, per the spec', () => {
  let server: RestServerEndpoint;
  beforeAll(async () => {
    server = await RestServerEndpoint.start({ dispatcher: new TestingDispatcherGateway(), cluster, configuration: Configuration.fromRecord({ 'rest.bind-address': '127.0.0.1', 'rest.port': 0 }) });
  });
  afterAll(() => server.close());

  it.each([
    ['/config', '/config'],
    ['/overview', '/overview'],
    ['/jobmanager/config', '/jobmanager/config'],
    ['/taskmanagers', '/taskmanagers'],
    [`/taskmanagers/${TM}`, '/taskmanagers/{taskmanagerid}'],
    ['/jobs', '/jobs'],
    ['/jobs/overview', '/jobs/overview'],
    [`/jobs/${JOB_ID}`, '/jobs/{jobid}'],
    [`/jobs/${JOB_ID}/plan`, '/jobs/{jobid}/plan'],
    [`/jobs/${JOB_ID}/exceptions?maxExceptions=1`, '/jobs/{jobid}/exceptions'],
    [`/jobs/${JOB_ID}/config`, '/jobs/{jobid}/config'],
    [`/jobs/${JOB_ID}/execution-result`, '/jobs/{jobid}/execution-result'],
    [`/jobs/${JOB_ID}/checkpoints`, '/jobs/{jobid}/checkpoints'],
    [`/jobs/${JOB_ID}/checkpoints/config`, '/jobs/{jobid}/checkpoints/config'],
    [`/jobs/${JOB_ID}/checkpoints/details/1`, '/jobs/{jobid}/checkpoints/details/{checkpointid}'],
    [`/jobs/${JOB_ID}/checkpoints/details/2`, '/jobs/{jobid}/checkpoints/details/{checkpointid}'],
    [`/jobs/${JOB_ID}/vertices/${SOURCE_VERTEX}`, '/jobs/{jobid}/vertices/{vertexid}'],
    [`/jobs/${JOB_ID}/vertices/${SINK_VERTEX}/subtasks/accumulators`, '/jobs/{jobid}/vertices/{vertexid}/subtasks/accumulators'],
    [`/jobs/${JOB_ID}/vertices/${SINK_VERTEX}/backpressure`, '/jobs/{jobid}/vertices/{vertexid}/backpressure'],
  ])('GET %s', async (url, specPath) => {
    const answer = await request(`${server.url}${url}`);
    expect(answer.status).toBe(200);
    spec.checkAnswer('get', specPath, '200', answer.json());
  });

  it('shows the failure history and the latest failed and completed checkpoints', async () => {
    const exceptions = (await request(`${server.url}/jobs/${JOB_ID}/exceptions`)).json<Record<string, unknown>>();
    expect(exceptions).toMatchObject({
      'root-exception': expect.stringContaining('the map failed'),
      timestamp: 2_500,
      truncated: false,
      exceptionHistory: { entries: [{ exceptionName: 'FlottError', timestamp: 2_500, taskName: 'Sink: print (1/2)', location: 'e'.repeat(32) }], truncated: false },
    });
    expect((await request(`${server.url}/jobs/${JOB_ID}/exceptions?maxExceptions=0`)).json()).toMatchObject({ truncated: true, exceptionHistory: { entries: [] } });
    const stats = (await request(`${server.url}/jobs/${JOB_ID}/checkpoints`)).json<{ counts: unknown; latest: Record<string, { id: number }>; summary: { state_size: unknown } }>();
    expect(stats.counts).toEqual({ restored: 0, total: 2, in_progress: 0, completed: 1, failed: 1 });
    expect([stats.latest.completed.id, stats.latest.failed.id, stats.latest.savepoint]).toEqual([1, 2, undefined]);
    expect(stats.summary.state_size).toEqual({ min: 4096, max: 4096, avg: 4096, p50: 4096, p90: 4096, p95: 4096, p99: 4096, p999: 4096 });
    expect((await request(`${server.url}/jobs/${JOB_ID}/checkpoints/details/2`)).json()).toMatchObject({ className: 'failed', status: 'FAILED', failure_message: 'declined' });
    expect((await request(`${server.url}/jobs/${JOB_ID}/checkpoints/details/3`)).status).toBe(404);
  });

  it('shows the TaskManager with its allocated slots, the overview and the sampled watermarks', async () => {
    expect((await request(`${server.url}/taskmanagers/${TM}`)).json()).toMatchObject({
      id: TM, slotsNumber: 4, freeSlots: 0, metrics: { heapUsed: 1 << 20 }, hardware: { cpuCores: 4 },
      totalResource: { cpuCores: 4, taskHeapMemory: 1024, taskOffHeapMemory: 0, managedMemory: 0, networkMemory: 0, extendedResources: {} },
      freeResource: { cpuCores: 1.5, taskHeapMemory: 256 },
    });
    expect((await request(`${server.url}/taskmanagers/tm-2`)).status).toBe(404);
    expect((await request(`${server.url}/overview`)).json()).toMatchObject({ taskmanagers: 1, 'slots-total': 4, 'slots-available': 0, 'jobs-running': 1 });
    expect((await request(`${server.url}/jobs/${JOB_ID}/vertices/${SINK_VERTEX}/watermarks`)).json()).toEqual([
      { id: '0.currentInputWatermark', value: '1500' },
      { id: '1.currentInputWatermark', value: '9223372036854775807' },
    ]);
    expect((await request(`${server.url}/jobs/${JOB_ID}/vertices/${SOURCE_VERTEX}/watermarks`)).json()).toEqual([]);
  });

  it("shows the records each running subtask read and wrote, and each vertex's sums (complete when every subtask reported)", async () => {
    const vertex = (await request(`${server.url}/jobs/${JOB_ID}/vertices/${SINK_VERTEX}`)).json<{ subtasks: Array<{ metrics: Record<string, unknown> }> }>();
    expect(vertex.subtasks.map((s) => [s.metrics['read-records'], s.metrics['write-records'], s.metrics['read-records-complete']])).toEqual([[40, 0, true], [0, 0, false]]);
    const job = (await request(`${server.url}/jobs/${JOB_ID}`)).json<{ vertices: Array<{ id: string; metrics: Record<string, unknown> }> }>();
    expect(job.vertices.find((v) => v.id === SINK_VERTEX)!.metrics).toMatchObject({ 'read-records': 40, 'read-records-complete': false, 'write-records': 0 });
  });

  it('answers the result of a running job as IN_PROGRESS and Flott\'s own result, info and collected records', async () => {
    expect((await request(`${server.url}/jobs/${JOB_ID}/execution-result`)).json()).toEqual({ status: { id: 'IN_PROGRESS' } });
    expect((await request(`${server.url}/flott/jobs/${JOB_ID}/result`)).json()).toMatchObject({ status: 'RUNNING', accumulators: { count: 3 } });
    expect((await request(`${server.url}/flott/jobs/${JOB_ID}/info`)).json()).toMatchObject({ jobId: JOB_ID, exceptionHistory: [expect.anything()] });
    expect((await request(`${server.url}/flott/jobs/${JOB_ID}/collect`, { method: 'POST' })).json()).toEqual({ version: 0, records: [{ sinkId: 's', records: [1, 'two', { three: 3 }] }] });
    expect((await request(`${server.url}/jobs/${JOB_ID}/status`)).json()).toEqual({ status: 'RUNNING' });
  });
});
