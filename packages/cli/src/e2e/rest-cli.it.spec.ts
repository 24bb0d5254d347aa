/**
 * The CLI against a running cluster over its REST API, through the real `flott` binary and a session
 * cluster of real processes (`flott cluster start`: a JobManager and a TaskManager, rest-session.ts): a
 * detached streaming job is listed RUNNING, takes a savepoint (then disposed of) and a checkpoint, and
 * is stopped with a savepoint (FINISHED); another is cancelled; an attached bounded job brings its collected result
 * back; and a cluster that does not answer is named in a clear error.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startRestSession, type RestSession } from './rest-session';
import { runFlott, startFlott, waitFor } from './run-cli';

const JOB = 'packages/cli/test-jobs/rest-jobs.ts';
const DATE = '\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d:\\d\\d';
const RULE = '-'.repeat(62);

describe('flott against a running cluster (-m host:port)', () => {
  let session: RestSession;
  let dir: string;
  let m: string[];

  beforeAll(async () => {
    session = await startRestSession();
    m = ['-m', `127.0.0.1:${session.port}`];
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-rest-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function submitDetached(): Promise<string> {
    const r = await runFlott(['run', ...m, '-d', JOB, '--case', 'unbounded']);
    expect([r.code, r.stdout]).toEqual([0, '"done"\n']);
    const id = /^Job has been submitted with JobID ([0-9a-f]{32})$/m.exec(r.stderr)?.[1];
    if (!id) throw new Error(`no job id in: ${r.stderr}`);
    return id;
  }

  /** Polls `flott list` (with `flags`) until its output matches. */
  async function listUntil(flags: string[], pattern: RegExp): Promise<string> {
    let last = '';
    const deadline = Date.now() + 30_000;
    while (!pattern.test(last)) {
      if (Date.now() > deadline) throw new Error(`flott list ${flags.join(' ')} never matched ${pattern}; last:\n${last}`);
      const r = await runFlott(['list', ...m, ...flags]);
      expect(r.code).toBe(0);
      last = r.stdout;
    }
    return last;
  }

  it('runs a streaming job detached, lists it RUNNING, takes a savepoint and a checkpoint, stops it with a savepoint', async () => {
    const jobId = await submitDetached();
    const listed = await listUntil([], new RegExp(`${jobId} : rest unbounded \\(RUNNING\\)`));
    expect(listed).toMatch(new RegExp(`^-{18} Running/Restarting Jobs -{19}\\n${DATE} : ${jobId} : rest unbounded \\(RUNNING\\)\\n${RULE}\\nNo scheduled jobs\\.\\n$`));

    const savepoint = await runFlott(['savepoint', ...m, jobId, path.join(dir, 'savepoints')]);
    expect(savepoint.code).toBe(0);
    const savepointPath = /^Savepoint completed\. Path: (.+)$/m.exec(savepoint.stdout)?.[1] ?? '';
    expect(savepoint.stdout).toBe(
      `Triggering savepoint for job ${jobId}.\nSavepoint completed. Path: ${savepointPath}\n` +
        'You can resume your program from this savepoint with the run command (flott run -s <path>).\n',
    );
    expect(savepointPath.startsWith(path.join(dir, 'savepoints'))).toBe(true);
    expect(fs.existsSync(path.join(savepointPath, '_metadata'))).toBe(true);

    const dispose = await runFlott(['savepoint', ...m, '--dispose', savepointPath]);
    expect([dispose.code, dispose.stdout]).toEqual([0, `Disposing savepoint '${savepointPath}'.\nSavepoint '${savepointPath}' disposed.\n`]);
    expect(fs.existsSync(savepointPath)).toBe(false);
    const again = await runFlott(['savepoint', ...m, '--dispose', savepointPath]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(savepointPath);

    const checkpoint = await runFlott(['checkpoint', ...m, jobId]);
    expect(checkpoint.code).toBe(0);
    expect(checkpoint.stdout).toMatch(new RegExp(`^Triggering checkpoint for job ${jobId}\\.\\nCheckpoint\\(CONFIGURED\\) \\d+ for job ${jobId} completed\\.\\n$`));

    const stop = await runFlott(['stop', ...m, '--savepointPath', path.join(dir, 'final'), jobId]);
    expect(stop.code).toBe(0);
    const finalPath = /^Savepoint completed\. Path: (.+)$/m.exec(stop.stdout)?.[1] ?? '';
    expect(stop.stdout).toBe(`Suspending job "${jobId}" with a savepoint.\nSavepoint completed. Path: ${finalPath}\n`);
    expect(fs.existsSync(path.join(finalPath, '_metadata'))).toBe(true);
    await listUntil(['-a'], new RegExp(`${jobId} : rest unbounded \\(FINISHED\\)`));
  }, 120_000);

  it('submits with -t remote and rest.address / rest.port instead of -m, and stop --drain ends the job FINISHED', async () => {
    const r = await runFlott(['run', '-t', 'remote', '-D', 'rest.address=127.0.0.1', '-D', `rest.port=${session.port}`, '-d', JOB, '--case', 'unbounded']);
    expect([r.code, r.stdout]).toEqual([0, '"done"\n']);
    const jobId = /^Job has been submitted with JobID ([0-9a-f]{32})$/m.exec(r.stderr)?.[1] as string;
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    await listUntil(['-r'], new RegExp(`${jobId} : rest unbounded \\(RUNNING\\)`));
    const stop = await runFlott(['stop', ...m, '--drain', '--savepointPath', path.join(dir, 'drained'), jobId]);
    expect(stop.code).toBe(0);
    const drainedPath = /^Savepoint completed\. Path: (.+)$/m.exec(stop.stdout)?.[1] ?? '';
    expect(stop.stdout).toBe(`Draining job "${jobId}" with a savepoint.\nSavepoint completed. Path: ${drainedPath}\n`);
    expect(fs.existsSync(path.join(drainedPath, '_metadata'))).toBe(true);
    await listUntil(['-a'], new RegExp(`${jobId} : rest unbounded \\(FINISHED\\)`));
  }, 120_000);

  it('cancels a job; cancelling it again says it already ended', async () => {
    const jobId = await submitDetached();
    await listUntil(['-r'], new RegExp(`${jobId} : rest unbounded \\(RUNNING\\)`));
    const cancel = await runFlott(['cancel', ...m, jobId]);
    expect([cancel.code, cancel.stdout]).toEqual([0, `Cancelling job ${jobId}.\nCancelled job ${jobId}.\n`]);
    await listUntil(['-a'], new RegExp(`${jobId} : rest unbounded \\(CANCELED\\)`));
    const again = await runFlott(['cancel', ...m, jobId]);
    expect([again.code, again.stderr]).toEqual([1, `Error: Job ${jobId} has already ended (CANCELED); there is nothing to cancel.\n`]);
  }, 120_000);

  it('Ctrl-C on an attached run cancels the job on the cluster and exits 130', async () => {
    const run = startFlott(['run', ...m, JOB, '--case', 'unbounded']);
    await waitFor(() => /JobID [0-9a-f]{32}/.test(run.output().stderr), 'the job to be submitted');
    const jobId = /JobID ([0-9a-f]{32})/.exec(run.output().stderr)![1];
    await listUntil(['-r'], new RegExp(`${jobId} : rest unbounded \\(RUNNING\\)`));
    run.child.kill('SIGINT');
    const r = await run.result;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`Received SIGINT: cancelling job ${jobId} (send it again to exit at once).\nJob ${jobId} has been CANCELED.\n`);
    await listUntil(['-a'], new RegExp(`${jobId} : rest unbounded \\(CANCELED\\)`));
  }, 120_000);

  it('runs a bounded job attached: its collected records come back over REST', async () => {
    const r = await runFlott(['run', ...m, JOB, '--case', 'collect', '--n', '6']);
    expect([r.code, r.stdout]).toEqual([0, '[1,4,9,16,25,36]\n']);
    expect(r.stderr).toMatch(/^Job has been submitted with JobID [0-9a-f]{32}\nProgram execution finished in \d+ ms\n$/);
  }, 120_000);

  it('names an unknown job and a cluster that does not answer', async () => {
    const unknown = await runFlott(['savepoint', ...m, 'f'.repeat(32)]);
    expect([unknown.code, unknown.stderr]).toEqual([1, `Error: Job ${'f'.repeat(32)} not found\n`]);
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const none = await runFlott(['list', '-m', `127.0.0.1:${port}`, '-D', 'rest.retry.max-attempts=1', '-D', 'rest.retry.delay=10 ms']);
    expect([none.code, none.stdout]).toEqual([1, '']);
    expect(none.stderr).toBe(
      `Error: Could not reach a Flott cluster's REST endpoint at http://127.0.0.1:${port} (connection refused, 2 attempt(s)). ` +
        'Is the cluster running? Point at it with -m host:port, or rest.address and rest.port.\n',
    );
  }, 60_000);
});

describe('flott against a cluster that requires TLS and a bearer token', () => {
  let dir: string;
  let session: RestSession;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-rest-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    session = await startRestSession([
      'rest.authentication.token=s3cr3t',
      'security.ssl.rest.enabled=true',
      `security.ssl.rest.key-file=${path.join(dir, 'key.pem')}`,
      `security.ssl.rest.cert-file=${path.join(dir, 'cert.pem')}`,
    ]);
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers with the token and the trusted certificate; refuses without the token', async () => {
    const tls = ['-m', `127.0.0.1:${session.port}`, '-D', 'security.ssl.rest.enabled=true', '-D', `security.ssl.rest.trust-cert-file=${path.join(dir, 'cert.pem')}`];
    const ok = await runFlott(['list', ...tls, '-D', 'rest.authentication.token=s3cr3t']);
    expect([ok.code, ok.stdout]).toEqual([0, 'No running jobs.\nNo scheduled jobs.\n']);
    const unauthorized = await runFlott(['list', ...tls]);
    expect([unauthorized.code, unauthorized.stderr]).toEqual([1, 'Error: Unauthorized: this cluster requires Authorization: Bearer <rest.authentication.token>\n']);
  }, 60_000);
});
