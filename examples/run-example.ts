import { spawnSync } from 'node:child_process';
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

/** Drops the print sink's subtask prefix ("2> ") and parses the JSON record. */
export function parsePrinted<T>(line: string): T {
  return JSON.parse(line.replace(/^\d+> /, '')) as T;
}
