import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { freePort as closedPort } from '../e2e/run-cli';
import { awaitJobId } from './run-application';

describe('awaitJobId (flott run-application waiting for its job)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-await-job-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A REST client retrying an hour apart would hold the call past the test's timeout.
  const patient = Configuration.fromRecord({ 'rest.retry.max-attempts': 20, 'rest.retry.delay': '1 h' });

  it('gives up at once when the JobManager has exited and its REST endpoint is gone, whatever rest.retry says', async () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(awaitJobId(url, patient, { pid: exited }, path.join(dir, 'none.result'))).resolves.toBeUndefined();
  }, 20_000);

  it("reads the job id from the application's result when it ended before a look found the job", async () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const resultFile = path.join(dir, 'app.result');
    fs.writeFileSync(resultFile, JSON.stringify({ jobId: 'a'.repeat(32), status: 'FAILED', code: 1, cause: 'failed' }));
    await expect(awaitJobId(`http://127.0.0.1:${await closedPort()}`, patient, { pid: exited }, resultFile)).resolves.toBe('a'.repeat(32));
  }, 20_000);
});
