/**
 * Event time end to end through the real `flott` binary: watermarks from assignTimestampsAndWatermarks
 * travel across threads, KeyedProcessFunction timers fire in event-time order, and an idle source
 * subtask does not stall the job. Expectations are computed here from the same event function.
 */
import { BUCKET, outOfOrderEvent } from '../../test-jobs/event-time';
import { lastJsonLine, runFlott } from './run-cli';

const JOB = 'packages/cli/test-jobs/event-time.ts';
type TimerOutput = [string, number, number | null, boolean];

function runCase(name: string, parallelism: number, n: number, extra: readonly string[] = []) {
  return runFlott([
    'run', '-q', '-p', String(parallelism), '-D', 'taskmanager.numberOfTaskSlots=4', '-D', 'pipeline.auto-watermark-interval=5',
    ...extra, JOB, '--case', name, '--n', String(n),
  ]);
}

const bucketEnd = (ts: number) => Math.floor(ts / BUCKET) * BUCKET + BUCKET - 1;

describe.each([1, 2])('event time at parallelism %i', (p) => {
  it('fires one event-time timer per key and bucket, per key in time order, over out-of-order input', async () => {
    const n = 2000;
    const r = await runCase('bucket-timers', p, n);
    expect(r.code).toBe(0);
    const out = lastJsonLine<TimerOutput[]>(r);

    // Independent computation: the distinct (key, bucket end) pairs of the input, ascending per key.
    const expectedPerKey = new Map<string, Set<number>>();
    for (let i = 0; i < n; i++) {
      const e = outOfOrderEvent(i);
      const set = expectedPerKey.get(e.key) ?? new Set<number>();
      set.add(bucketEnd(e.ts));
      expectedPerKey.set(e.key, set);
    }
    const actualPerKey = new Map<string, number[]>();
    for (const [key, ts, recordTs, watermarkReached] of out) {
      expect(recordTs).toBe(ts);
      expect(watermarkReached).toBe(true);
      actualPerKey.set(key, [...(actualPerKey.get(key) ?? []), ts]);
    }
    expect([...actualPerKey.keys()].sort()).toEqual([...expectedPerKey.keys()].sort());
    for (const [key, set] of expectedPerKey) expect(actualPerKey.get(key)).toEqual([...set].sort((a, b) => a - b));
    expect(out).toHaveLength([...expectedPerKey.values()].reduce((s, v) => s + v.size, 0));
  });
});

describe('idleness', () => {
  it('an idle source subtask (withIdleness) does not hold back event time at parallelism 2', async () => {
    const n = 30;
    const r = await runCase('idle-subtask', 2, n);
    expect(r.code).toBe(0);
    // Independent computation: only the subtask reading the first split produces i = 0, 1, 2, ...; bucket b holds i = 10b..10b+9 and
    // its timers fire in the order their keys first appear in it.
    const expected: TimerOutput[] = [];
    for (let b = 0; expected.length < n; b++) {
      const keys: string[] = [];
      for (let i = 10 * b; i < 10 * b + 10; i++) if (!keys.includes(`k${i % 3}`)) keys.push(`k${i % 3}`);
      for (const k of keys) expected.push([k, b * BUCKET + BUCKET - 1, b * BUCKET + BUCKET - 1, true]);
    }
    expect(lastJsonLine<TimerOutput[]>(r)).toEqual(expected.slice(0, n));
  });
});

describe('what one call emits, and what a callback throws', () => {
  it('a watermark that releases 200,000 held records at once reaches the consumer whole', async () => {
    const n = 200_000;
    const r = await runCase('watermark-burst', 1, n);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lastJsonLine<Record<string, number>>(r)).toEqual({ records: n, sum: (n * (n - 1)) / 2 });
  });

  it('a processing-time timer that throws fails its task with the error; the slot thread lives on', async () => {
    const r = await runCase('throwing-timer', 1, 0, ['-D', 'restart-strategy.type=none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the timer failed on purpose');
    expect(r.stderr).toMatch(/Task KeyedProcess -> Sink: Data stream collect sink \(1\/1\)#0 failed/);
    expect(r.stderr).not.toMatch(/died/);
  });
});
