import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { events, nexmarkConfig, type NexmarkEvent } from '@flott/nexmark';
import { runExample } from '../run-example';

/**
 * Runs examples/nexmark/<query>.ts with the real `flott` binary on a bounded stream and returns its
 * JSON Lines results in file order (test support for the query specs).
 */
export function runQuery<T>(query: string, parallelism: number, eventCount: number, extraArgs: readonly string[] = []): T[] {
  const dir = mkdtempSync(path.join(tmpdir(), `flott-nexmark-${query}-`));
  try {
    const output = path.join(dir, 'results.jsonl');
    const r = runExample([
      '-p', String(parallelism), '-D', 'taskmanager.numberOfTaskSlots=2',
      `examples/nexmark/${query}.ts`, '--events', String(eventCount), '--output', output, ...extraArgs,
    ]);
    if (r.code !== 0) throw new Error(`flott run ${query} exited with ${String(r.code)}:\n${r.stderr}`);
    return readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as T);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same events the job generates for `--events eventCount`, for the batch references. */
export function generatedEvents(eventCount: number): NexmarkEvent[] {
  return [...events(nexmarkConfig({ events: eventCount }))];
}
