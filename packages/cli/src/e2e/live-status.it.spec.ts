/**
 * The live one-line status of an attached `flott run` on a real terminal: the CLI runs under a pty
 * (util-linux `script`), so its stderr is a TTY. The line is redrawn in place (`\r` + erase line) with
 * the job's state, its running tasks and its last checkpoint, and the final state stays on its own
 * line; on the embedded cluster and on a session cluster over REST. Without a terminal the output is
 * the plain status lines (rest-cli.it.spec.ts and first-hour.it.spec.ts check those exactly).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHECKPOINT_JOB } from './checkpoint-job-results';
import { startRestSession, type RestSession } from './rest-session';
import { REPO_ROOT } from './run-cli';

const BIN = path.join(REPO_ROOT, 'packages/cli/bin/flott.js');
const CLEAR = '\r\x1b[2K';

/** Runs `flott args` under a pseudo-terminal; what the terminal received (stdout and stderr together) and the exit code. */
function runOnTerminal(args: readonly string[]): { code: number; screen: string } {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  try {
    // -e: script exits with the command's code; -f: flush as written; the typescript file is not wanted.
    const screen = execFileSync('script', ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    return { code: 0, screen };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, screen: err.stdout };
  }
}

describe('the live status line of an attached flott run on a terminal', () => {
  let dir: string;
  let session: RestSession | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-live-status-'));
  });
  afterEach(async () => {
    await session?.close();
    session = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `rates`: the line shows record rates (the embedded cluster's TaskExecutors, or the REST API's IO metrics, report the tasks' records). */
  function expectLiveLines(screen: string, rates: boolean): void {
    const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(screen)?.[1];
    expect(jobId).toBeDefined();
    // Redrawn in place, the running state at least once with every task running and a completed checkpoint.
    expect(screen).toContain(`${CLEAR}Job ${jobId} RUNNING | `);
    const rateParts = rates ? 'in [1-9][\\d,]* rec/s \\| out [1-9][\\d,]* rec/s \\| ' : '';
    expect(screen).toMatch(new RegExp(`\\r\\x1b\\[2KJob ${jobId} RUNNING \\| 5/5 tasks running \\| ${rateParts}checkpoint \\d+ \\(\\d+ s ago\\)`));
    // The final state on its own line (the pty turns \n into \r\n), then the end of the run.
    expect(screen).toMatch(new RegExp(`\\r\\x1b\\[2KJob ${jobId} FINISHED \\| 0/5 tasks running \\| checkpoint \\d+ \\(\\d+ s ago\\)\\r\\nProgram execution finished in \\d+ ms`));
  }

  const jobArgs = (out: string) => ['-p', '2', '-D', 'execution.checkpointing.interval=200 ms', CHECKPOINT_JOB, '--n', '4000', '--rate', '1500', '--out', out];

  it('on the embedded cluster', () => {
    const r = runOnTerminal(['run', ...jobArgs(path.join(dir, 'out'))]);
    expect(r.code).toBe(0);
    expectLiveLines(r.screen, true);
  }, 150_000);

  it('on a session cluster, over REST', async () => {
    session = await startRestSession();
    const r = runOnTerminal(['run', '-m', `127.0.0.1:${session.port}`, ...jobArgs(path.join(dir, 'out'))]);
    expect(r.code).toBe(0);
    expectLiveLines(r.screen, true);
  }, 150_000);

  it('-q shows none', () => {
    const r = runOnTerminal(['run', '-q', ...jobArgs(path.join(dir, 'out'))]);
    expect([r.code, r.screen]).toEqual([0, '']);
  }, 150_000);
});
