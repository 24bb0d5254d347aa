import { Configuration } from '@flott/core';
import { SeededRandom } from '@flott/runtime';
import { RestServerEndpoint } from './rest-server-endpoint';
import { request } from './testing/http';
import { fuzzRestEndpoint } from './testing/malformed-requests';
import { JOB_ID, SINK_VERTEX, TestingDispatcherGateway } from './testing-fixtures/testing-dispatcher-gateway';

const SEED = 20261203;
const REQUESTS = 1200;
const MAX_CONTENT = 64 * 1024;

describe('RestServerEndpoint under malformed requests', () => {
  it(`answers ${REQUESTS} malformed requests (seed ${SEED}) with a 4xx each, then still serves /overview`, async () => {
    const dispatcher = new TestingDispatcherGateway();
    const server = await RestServerEndpoint.start({
      dispatcher,
      configuration: Configuration.fromRecord({ 'rest.bind-address': '127.0.0.1', 'rest.port': 0, 'rest.server.max-content-length': MAX_CONTENT }),
    });
    try {
      const { wrong, statuses } = await fuzzRestEndpoint(server.url, new SeededRandom(SEED), { jobId: JOB_ID, vertexId: SINK_VERTEX, maxContentLength: MAX_CONTENT }, REQUESTS);
      expect(wrong).toEqual([]);
      // The generator reaches each kind of refusal.
      expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 404, 413, 415]));
      expect(dispatcher.submissions).toEqual([]);
      expect(dispatcher.savepoints).toEqual([]);
      const overview = await request(`${server.url}/overview`);
      expect([overview.status, overview.json()]).toEqual([200, expect.objectContaining({ 'jobs-running': 1 })]);
    } finally {
      await server.close();
    }
  }, 120_000);
});
