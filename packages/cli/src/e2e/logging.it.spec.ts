/**
 * The operator log of `flott run` through the real binary: JSON lines in log.file with the context
 * of every line (the slot threads' lines too), the user's stderr lines unchanged, and the quiet
 * terminal default.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastJsonLine, runFlott } from './run-cli';

const PIPELINES = 'packages/cli/test-jobs/pipelines.ts';

interface LogLine {
  level: number;
  msg: string;
  jobId?: string;
  task?: string;
  subtask?: number;
  attempt?: number;
  attemptId?: string;
  slot?: number;
  err?: { message: string };
}

describe('flott run logging', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-log-e2e-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes JSON lines with job, task, subtask and attempt to log.file, from the JobMaster and the slot threads', async () => {
    const file = path.join(dir, 'flott-taskexecutor.log');
    const r = await runFlott(['run', '-p', '2', '-D', 'taskmanager.numberOfTaskSlots=2', '-D', `log.file=${file}`, PIPELINES, '--case', 'chain', '--n', '100']);
    expect(r.code).toBe(0);
    expect(lastJsonLine<number[]>(r)).toHaveLength(100 / 2);
    // The user's lines on stderr are as before; the log went to the file only.
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(r.stderr)?.[1];
    expect(jobId).toBeDefined();
    expect(r.stderr.trim().split('\n').map((l) => l.replace(/[0-9a-f]{32}|\d+ ms/g, 'X'))).toEqual([
      'Job has been submitted with JobID X',
      'Program execution finished in X',
    ]);

    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine);
    expect(lines.find((l) => l.msg.startsWith('Received JobGraph submission'))).toMatchObject({ level: 30, jobId });
    expect(lines.find((l) => l.msg.includes('switched from state RUNNING to FINISHED'))).toMatchObject({ jobId });
    for (const subtask of [0, 1]) {
      // Written by the slot threads (they carry `slot`), through the process's one file.
      const fromSlot = lines.filter((l) => l.slot !== undefined && l.subtask === subtask);
      for (const transition of ['from INITIALIZING to RUNNING', 'from RUNNING to FINISHED']) {
        const line = fromSlot.find((l) => l.msg.includes(transition));
        expect(line).toMatchObject({ level: 30, jobId, subtask, attempt: 0, task: expect.stringContaining('Source: Sequence Source') });
        expect(line?.attemptId).toMatch(/^[0-9a-f_]+_0$/);
      }
    }
  });

  it('logs a failure and the restart strategy decision with the failing attempt', async () => {
    const file = path.join(dir, 'failing.log');
    const r = await runFlott(['run', '-q', '-D', `log.file=${file}`, '-D', 'restart-strategy.type=fixed-delay', '-D', 'restart-strategy.fixed-delay.attempts=1',
      '-D', 'restart-strategy.fixed-delay.delay=10 ms', PIPELINES, '--case', 'throws', '--n', '100']);
    expect(r.code).toBe(1);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine);
    const failed = lines.filter((l) => l.slot === undefined && l.msg.includes('switched from RUNNING to FAILED'));
    expect(failed.map((l) => l.attempt)).toEqual([0, 1]);
    expect(failed[0].err?.message).toContain('boom at 42');
    expect(lines.some((l) => /Restart strategy FixedDelay.* allows a restart/.test(l.msg))).toBe(true);
    expect(lines.some((l) => /Restart strategy FixedDelay.* allows no more restarts/.test(l.msg))).toBe(true);
  });

  it('shows only warnings on the terminal by default, and INFO lines when log.level says so', async () => {
    const quiet = await runFlott(['run', '-q', PIPELINES, '--case', 'chain', '--n', '10']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const verbose = await runFlott(['run', '-q', '-D', 'log.level=info', PIPELINES, '--case', 'chain', '--n', '10']);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(/INFO: .*\(1\/1\)#0 \(\w+\) switched from RUNNING to FINISHED\./);
    expect(verbose.stderr).not.toContain('{"level"');
  });
});
