/**
 * env.executeAsync() and its JobClient through the real `flott` binary on the embedded MiniCluster:
 * the same result as execute(), cancellation through the client, and a main that returns before its
 * job ends.
 */
import { lastJsonLine, runFlott } from './run-cli';

const JOB = 'packages/cli/test-jobs/job-client.ts';

function runCase(name: string, n = 1000, extra: string[] = []) {
  return runFlott(['run', '-q', '-p', '2', '-D', 'taskmanager.numberOfTaskSlots=2', ...extra, JOB, '--case', name, '--n', String(n)]);
}

describe('env.executeAsync() and the JobClient', () => {
  it("a bounded job's result through the client equals execute()'s", async () => {
    const [sync, async] = [await runCase('bounded-execute'), await runCase('bounded-async')];
    expect(sync.code).toBe(0);
    expect(async.code).toBe(0);
    const expected = { jobName: 'bounded', accumulators: { sum: (1000 * 1001) / 2 } };
    expect(lastJsonLine(sync)).toEqual(expected);
    expect(lastJsonLine(async)).toEqual({ ...expected, sameJobId: true, status: 'FINISHED' });
  });

  it('cancels an unbounded job: the status reaches CANCELED and the result fails with it', async () => {
    const r = await runCase('cancel');
    expect(r.stderr).not.toMatch(/Unhandled|UnhandledPromiseRejection/);
    expect(r.code).toBe(0);
    const { statuses, error } = lastJsonLine<{ statuses: string[]; error: string }>(r);
    expect(statuses).toContain('RUNNING');
    expect(statuses[statuses.length - 1]).toBe('CANCELED');
    expect(error).toBe("Job 'unbounded' (<id>) CANCELED");
  });

  it('a main that throws after a refused stop-with-savepoint: the cluster cancels the job and the run exits at once with the error', async () => {
    const started = Date.now();
    const r = await runCase('throw-while-deploying');
    expect(r.stderr).not.toMatch(/Assertion failed|Unhandled|TaskManager .* is lost/);
    // Almost always refused (the tasks are still SCHEDULED when executeAsync returns); a stop that got through ends the job too.
    if (r.code !== 0) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/main gave up: .*is (SCHEDULED|DEPLOYING)/);
    }
    // The job's tasks hear the cancellation before the TaskManagers close, not a heartbeat timeout (20 s) later.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('keeps the cluster up until a job submitted with executeAsync() ends, without the execute() warning', async () => {
    const r = await runCase('async-not-awaited', 50, []);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('not awaited');
    const printed = r.stdout.split('\n').filter((line) => /^\d+> \d+$/.test(line));
    expect(printed.map((line) => Number(line.split('> ')[1])).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(r.stdout).toContain('"main returned"');
  });
});
