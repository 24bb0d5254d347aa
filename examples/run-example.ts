import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');

/** Runs an example with the real `flott` binary, as the README shows; returns its stdout lines. */
export function runExample(args: readonly string[]): { code: number | null; lines: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/cli/bin/flott.js'), 'run', '-q', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, lines: r.stdout.split('\n').filter((l) => l.length > 0), stderr: r.stderr };
}

/** As runExample, without blocking this process (for a test that serves the example itself, e.g. over HTTP). */
export function runExampleAsync(args: readonly string[]): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'packages/cli/bin/flott.js'), 'run', '-q', ...args], { cwd: REPO_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: stdout.split('\n').filter((l) => l.length > 0), stderr });
    }),
  );
}

/** Drops the print sink's subtask prefix ("2> ") and parses the JSON record. */
export function parsePrinted<T>(line: string): T {
  return JSON.parse(line.replace(/^\d+> /, '')) as T;
}
