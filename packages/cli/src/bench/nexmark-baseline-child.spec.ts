import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loopBaselines } from './nexmark-baselines';

/** The built child (the bench runs dist/bench). */
const CHILD = path.resolve(__dirname, '../../dist/bench/nexmark-baseline-child.js');

function child(...args: string[]) {
  return spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('Nexmark baseline child process', () => {
  it('runs a loop baseline once unmeasured, then the runs asked, and prints their median and its results', () => {
    const r = child('q1', '20000', '3');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as { rate: number; rates: number[]; results: number };
    expect(out.results).toBe(loopBaselines.q1(20_000));
    expect(out.rates).toHaveLength(3);
    expect(out.rate).toBe([...out.rates].sort((a, b) => a - b)[1]);
    expect(out.rate).toBeGreaterThan(0);
  });

  it('fails naming the query that has no baseline, and a malformed call', () => {
    const none = child('q99', '1000', '1');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no baseline for q99');
    const bad = child('q1', 'many', '1');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('usage: nexmark-baseline-child');
  });
});
