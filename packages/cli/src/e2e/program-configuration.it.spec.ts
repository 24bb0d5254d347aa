/**
 * Settings a job's program makes (env.enableCheckpointing, getCheckpointConfig(), configure()) reach
 * the JobMaster with the submission, as the same -D keys would, and override the command line's.
 */
import { lastJsonLine, runFlott } from './run-cli';

const JOB = 'packages/cli/test-jobs/program-configuration.ts';
// A short first restart delay keeps the test fast; the restart strategy itself is the JobMaster's default.
const FAST_RESTART = ['-D', 'restart-strategy.exponential-delay.initial-backoff=10 ms'];

describe("the program's configuration", () => {
  it('without checkpointing the default restart strategy is none: the failure ends the job', async () => {
    const r = await runFlott(['run', '-q', ...FAST_RESTART, JOB]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('first attempt fails at 3');
  });

  it("env.enableCheckpointing() reaches the JobMaster, over -D's interval 0: it restarts the job, which then finishes", async () => {
    const r = await runFlott(['run', '-q', ...FAST_RESTART, '-D', 'execution.checkpointing.interval=0', JOB, '--checkpointing']);
    expect(r.code).toBe(0);
    expect(lastJsonLine(r)).toEqual([1, 2, 3, 4, 5].map((v) => [v, 1]));
  });
});
