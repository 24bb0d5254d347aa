import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './run-cli';

const FIXTURE = path.join(REPO_ROOT, 'packages/cli/dist/e2e/fixtures/rest-session-cluster.js');

export interface RestSession {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** What the cluster process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Stops the cluster and waits until its process has exited (killed after `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
}

/** Starts the session-cluster fixture (built dist) in a child process and waits for its port. */
export function startRestSession(dynamicProperties: readonly string[] = [], timeoutMs = 30_000): Promise<RestSession> {
  const child = spawn(process.execPath, [FIXTURE, ...dynamicProperties.flatMap((p) => ['-D', p])], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (closeTimeoutMs = 20_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), closeTimeoutMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise<RestSession>((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`The REST session cluster did not start within ${timeoutMs} ms\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The REST session cluster exited with ${code} before it served\nstderr: ${stderr}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const { port, url } = JSON.parse(line) as { port: number; url: string };
      resolve({ port, url, child, stderr: () => stderr, close });
    });
  });
}
