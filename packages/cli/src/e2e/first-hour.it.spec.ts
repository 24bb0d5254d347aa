/**
 * What a Flink user trips over in the first hour, through the real `flott` binary: job arguments,
 * a main without execute(), an execute() that is not awaited.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastJsonLine, runFlott, startFlott, waitFor } from './run-cli';

const JOBS = 'packages/cli/test-jobs/first-hour';

describe('a job main run by flott', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-first-hour-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('sees its arguments in process.argv.slice(2) and env.getArgs(), in the client and in every slot thread', async () => {
    const args = ['--input', 'in put.txt', '-x', '42'];
    const r = await runFlott(['run', '-q', '-p', '2', '-D', 'taskmanager.numberOfTaskSlots=2', `${JOBS}/argv.ts`, ...args]);
    expect(r.code).toBe(0);
    const result = lastJsonLine<{ client: { argv: string[]; getArgs: string[] }; tasks: Array<{ i: number; argv: string[]; getArgs: string[] }> }>(r);
    expect(result.client).toEqual({ argv: args, getArgs: args });
    expect(result.tasks).toEqual([0, 1, 2, 3].map((i) => ({ i, argv: args, getArgs: args })));
  });

  it('fails with a clear message and a non-zero exit when main never calls execute()', async () => {
    const r = await runFlott(['run', `${JOBS}/no-execute.ts`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No job was executed');
    expect(r.stderr).toContain('forgot to call execute()');
    expect(r.stdout).toBe('');
  });

  it('waits for a job whose execute() was not awaited and says so', async () => {
    const output = path.join(tmp, 'out');
    const r = await runFlott(['run', `${JOBS}/not-awaited.ts`, '--output', output]);
    expect(r.stderr).not.toMatch(/Unhandled|UnhandledPromiseRejection|at .*node:internal/);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('env.execute() was not awaited');
    // Main's code after an unawaited execute() runs in the client (and in the slot that re-runs main, DESIGN.md §5).
    expect(r.stdout).toContain('main returned\n');
    const written = fs.readFileSync(output, 'utf8').trim().split('\n').map(Number);
    expect(written.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 2));
  });

  it("reports the failure of a job whose execute() was not awaited as the job's error, without an unhandled rejection", async () => {
    const r = await runFlott(['run', `${JOBS}/not-awaited.ts`, '--output', path.join(tmp, 'out'), '--fail']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('env.execute() was not awaited');
    expect(r.stderr).toContain('record 50 is bad');
    expect(r.stderr).not.toMatch(/Unhandled|UnhandledPromiseRejection/);
  });

  it("prints a syntax error in the job as the bundler's file:line:column message, without the CLI's stack frames", async () => {
    const job = path.join(tmp, 'broken.ts');
    fs.writeFileSync(job, 'const x = 1;\nconst doubled = [x].map((v) => v *);\n');
    const r = await runFlott(['run', job]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${job}:2:35: error: Unexpected ")"`);
    expect(r.stderr).toContain('const doubled = [x].map((v) => v *);');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    ['state.backend.type=rocksdb', "Unknown state backend 'rocksdb' for 'state.backend.type'. Known: hashmap, lmdb"],
    ['resourcemanager.type=kubernetes', "'kubernetes' for 'resourcemanager.type'. Known: standalone"],
  ])('refuses -D %s at start, naming the known implementations, and runs nothing', async (setting, message) => {
    const r = await runFlott(['run', '-D', setting, `${JOBS}/argv.ts`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('Job has been submitted');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('reports a bad -p value under -p', async () => {
    const r = await runFlott(['run', '-p', 'abc', `${JOBS}/no-execute.ts`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Invalid value "abc" for 'parallelism.default' (-p)`);
    expect(r.stderr).not.toContain('(-D)');
  });

  describe.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s on an attached run', (signal, exitCode) => {
    it(`cancels the job, flushes and closes its sink, prints the final state and exits ${exitCode}`, async () => {
      const output = path.join(tmp, 'numbers.txt');
      const run = startFlott(['run', `${JOBS}/unbounded.ts`, '--output', output]);
      await waitFor(() => fs.existsSync(output) && fs.statSync(output).size > 1000, 'the job to write records');
      run.child.kill(signal);
      const r = await run.result;
      expect(r.code).toBe(exitCode);
      expect(r.stderr).toMatch(new RegExp(`Received ${signal}: cancelling job [0-9a-f]{32}`));
      expect(r.stderr).toMatch(/Job [0-9a-f]{32} has been CANCELED\./);
      // Whole lines, 0..n-1 in order: what the sink had taken was flushed before its file was closed.
      const text = fs.readFileSync(output, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const numbers = text.trimEnd().split('\n').map(Number);
      expect(numbers).toEqual(numbers.map((_, i) => i));
    });
  });

  it('exits at once on a second Ctrl-C when the job cannot be cancelled', async () => {
    const out = path.join(tmp, 'out');
    const run = startFlott(['run', `${JOBS}/unbounded.ts`, '--output', out, '--block']);
    // Not before the map spins: a job cancelled while it is still being deployed ends at once.
    await waitFor(() => fs.existsSync(`${out}.spinning`), 'the job\'s map to spin');
    run.child.kill('SIGINT');
    await waitFor(() => run.output().stderr.includes('cancelling job'), 'the CLI to start cancelling');
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Received SIGINT again: exiting without waiting');
  });
});
