/**
 * `flott run --detach-on-interrupt` against a session cluster in another process: Ctrl-C leaves the
 * job running on the cluster (REST still reports it RUNNING), the CLI exits 0 and says how to cancel
 * it, which then works. With the embedded local cluster there is nothing to detach to: the flag is
 * refused.
 */
import { startRestSession, type RestSession } from './rest-session';
import { runFlott, startFlott, waitFor } from './run-cli';

const JOB = 'packages/cli/test-jobs/rest-jobs.ts';

describe('flott run --detach-on-interrupt', () => {
  let session: RestSession;

  beforeAll(async () => {
    session = await startRestSession();
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  const jobState = async (jobId: string): Promise<string> => ((await (await fetch(`${session.url}/jobs/${jobId}`)).json()) as { state: string }).state;

  /** The job's state over REST every 50 ms until it is `state`, at most 30 s. */
  async function stateBecomes(jobId: string, state: string): Promise<void> {
    let last = '';
    for (let i = 0; i < 600 && last !== state; i++) {
      last = await jobState(jobId);
      if (last !== state) await new Promise((r) => setTimeout(r, 50));
    }
    expect(last).toBe(state);
  }

  it('Ctrl-C detaches: the CLI exits 0, the job keeps running, and the printed cancel command cancels it', async () => {
    const m = `127.0.0.1:${session.port}`;
    const run = startFlott(['run', '-m', m, '--detach-on-interrupt', JOB, '--case', 'unbounded']);
    await waitFor(() => /JobID [0-9a-f]{32}/.test(run.output().stderr), 'the job to be submitted');
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.output().stderr)![1];
    await stateBecomes(jobId, 'RUNNING');
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Received SIGINT: detached from job ${jobId}, which keeps running on the cluster. Cancel it with: flott cancel -m ${m} ${jobId}\n`);
    // Still running a while after the CLI is gone.
    await new Promise((res) => setTimeout(res, 500));
    expect(await jobState(jobId)).toBe('RUNNING');
    const cancel = await runFlott(['cancel', '-m', m, jobId]);
    expect(cancel.code).toBe(0);
    await stateBecomes(jobId, 'CANCELED');
  }, 120_000);

  it('is refused with the embedded local cluster', async () => {
    const r = await runFlott(['run', '--detach-on-interrupt', JOB, '--case', 'unbounded']);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('--detach-on-interrupt needs a running cluster (-m host:port or -t remote)')]);
  });
});
