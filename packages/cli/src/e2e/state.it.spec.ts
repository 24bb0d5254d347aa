/**
 * Keyed state, connect() and broadcast state end to end through the real `flott` binary, at
 * parallelism 1 and 2. Expected results are computed here with plain loops.
 */
import { lastJsonLine, runFlott } from './run-cli';

const JOBS = 'packages/cli/test-jobs/state-jobs.ts';

function runCase(name: string, parallelism: number, n: number) {
  return runFlott(['run', '-q', '-p', String(parallelism), '-D', 'taskmanager.numberOfTaskSlots=4', JOBS, '--case', name, '--n', String(n)]);
}

const byNumbers = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1];

describe.each([1, 2])('state jobs at parallelism %i', (p) => {
  it('keyed RichFlatMap counts per key in ValueState', async () => {
    const n = 2000;
    const r = await runCase('value-state', p, n);
    expect(r.code).toBe(0);
    const counts = new Map<number, number>();
    const expected: Array<[number, number]> = [];
    for (let i = 1; i <= n; i++) {
      const v = i % 37;
      const c = (counts.get(v) ?? 0) + 1;
      counts.set(v, c);
      if (c === 1 || c % 10 === 0) expected.push([v, c]);
    }
    expect(lastJsonLine<Array<[number, number]>>(r).sort(byNumbers)).toEqual(expected.sort(byNumbers));
  });

  it('connect + keyed co-process joins orders with prices per product', async () => {
    const n = 1500;
    const r = await runCase('keyed-co-process', p, n);
    expect(r.code).toBe(0);
    const priceOf = new Map<string, number>();
    for (let j = 0; j <= 10; j++) priceOf.set(`p${j}`, j + 1);
    const expected: Array<[number, number]> = [];
    for (let i = 1; i <= n; i++) expected.push([i, ((i % 5) + 1) * (priceOf.get(`p${i % 11}`) as number)]);
    expect(lastJsonLine<Array<[number, number]>>(r).sort(byNumbers)).toEqual(expected);
  });

  it('broadcast state: rules reach every subtask, keyed events are matched against all of them', async () => {
    const n = 1000;
    const r = await runCase('broadcast-rules', p, n);
    expect(r.code).toBe(0);
    const rules: Array<[string, number]> = [['three', 3], ['five', 5], ['seven', 7]];
    const expected: string[] = [];
    for (let v = 1; v <= n; v++) for (const [name, d] of rules) if (v % d === 0) expected.push(`${name}:${v}`);
    expect(lastJsonLine<string[]>(r).sort()).toEqual(expected.sort());
  });
});
