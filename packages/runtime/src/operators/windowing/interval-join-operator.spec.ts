import { InvalidWindowParameterError } from '@flott/core';
import { ManualClock } from '../../time/clock';
import { InMemoryKeyedStateBackend } from '../testing/in-memory-keyed-state-backend';
import { TwoInputOperatorTestHarness } from '../testing/operator-test-harness';
import { RecordingOutput } from '../testing/recording-output';
import { differencesAcrossRestores, runUninterrupted, runWithRestore, type HarnessScript, type HarnessStep } from '../testing/scripted-runs';
import { TestingRuntimeContext } from '../testing/testing-runtime-context';
import { HeapInternalTimeServiceManager } from '../timers/heap-internal-time-service-manager';
import type { OperatorEnvironment } from '../stream-operator';
import { IntervalJoinOperator, type IntervalJoinOptions } from './interval-join-operator';

type E = { k: string; ts: number };

/** Drives a two-input keyed operator by hand: the key is set from each record as the task does. */
async function setup(options: IntervalJoinOptions) {
  const backend = new InMemoryKeyedStateBackend();
  const clock = new ManualClock(0);
  const timers = new HeapInternalTimeServiceManager({ keyedStateBackend: backend, clock, scheduler: clock });
  const output = new RecordingOutput<string>();
  const op = new IntervalJoinOperator<string, E, E, string>(options, (l, r, ctx, out) =>
    out.collect(`${l.k}:${l.ts}-${r.ts}@${ctx.getTimestamp()}/${ctx.getLeftTimestamp()}/${ctx.getRightTimestamp()}`),
  );
  const env = {
    output,
    runtimeContext: new TestingRuntimeContext(),
    operatorId: 'op',
    operatorName: 'IntervalJoin',
    clock,
    scheduler: clock,
    currentWatermark: () => timers.currentWatermark(),
    stdout: () => {},
    stderr: () => {},
    sendOperatorEvent: () => Promise.resolve(undefined),
    keyedStateBackend: backend,
    timeServiceManager: timers,
    registerAvailabilityProvider: () => {},
  } as OperatorEnvironment<string>;
  op.setup(env);
  await op.open();
  return {
    output,
    backend,
    timers,
    left: (e: E) => (backend.setCurrentKey(e.k), op.processElement1(e, e.ts)),
    right: (e: E) => (backend.setCurrentKey(e.k), op.processElement2(e, e.ts)),
    watermark: (wm: number) => (op.processWatermark1(wm), op.processWatermark2(wm)),
  };
}

const bounds = (lower: number, upper: number, lowerInclusive = true, upperInclusive = true): IntervalJoinOptions => ({
  lowerBound: lower,
  upperBound: upper,
  lowerBoundInclusive: lowerInclusive,
  upperBoundInclusive: upperInclusive,
  leftLateDataOutputTag: 'late-left',
  rightLateDataOutputTag: 'late-right',
});

describe('IntervalJoinOperator', () => {
  it('joins pairs with right.ts in [left.ts + lower, left.ts + upper] per key, in either arrival order', async () => {
    const lefts = [0, 5, 10, 40].map((ts) => ({ k: 'a', ts }));
    const rights = [-3, 2, 8, 12, 13, 45, 100].map((ts) => ({ k: 'a', ts }));
    for (const [lowerInc, upperInc] of [[true, true], [false, false]]) {
      const h = await setup(bounds(-2, 3, lowerInc, upperInc));
      [...rights.slice(0, 3)].forEach(h.right);
      lefts.forEach(h.left);
      rights.slice(3).forEach(h.right);
      h.right({ k: 'b', ts: 5 });
      const lo = lowerInc ? -2 : -1;
      const hi = upperInc ? 3 : 2;
      const expected: string[] = [];
      for (const l of lefts) for (const r of rights) if (r.ts >= l.ts + lo && r.ts <= l.ts + hi) expected.push(`a:${l.ts}-${r.ts}@${Math.max(l.ts, r.ts)}/${l.ts}/${r.ts}`);
      expect(h.output.values().sort()).toEqual(expected.sort());
      // The record timestamp is the larger of the pair's (what ctx.getTimestamp() reported).
      for (const r of h.output.records) expect(r.timestamp).toBe(Number(r.value.split('@')[1].split('/')[0]));
    }
  });

  it('drops buffered elements once the watermark passes their last possible partner, and side-outputs late elements', async () => {
    const h = await setup(bounds(-5, 10));
    h.left({ k: 'a', ts: 100 });
    h.right({ k: 'a', ts: 100 });
    expect(h.backend.numEntries()).toBe(2);
    // Left at 100 can meet rights up to 110; right at 100 can meet lefts up to 105.
    h.watermark(104);
    expect(h.backend.numEntries()).toBe(2);
    h.watermark(105);
    expect(h.backend.numEntries()).toBe(1);
    h.watermark(110);
    expect(h.backend.numEntries()).toBe(0);
    expect(h.timers.numTimers()).toBe(0);
    h.left({ k: 'a', ts: 109 });
    h.right({ k: 'a', ts: 111 });
    expect(h.output.sideValues('late-left')).toEqual([{ k: 'a', ts: 109 }]);
    expect(h.output.sideValues('late-right')).toEqual([]);
    expect(h.output.watermarks).toEqual([104, 105, 110]);
  });

  it('restored from a mid-run snapshot into a new operator: buffers, cleanup timers and late data as in the uninterrupted run', async () => {
    const join = (subtaskIndex: number, parallelism: number) =>
      new TwoInputOperatorTestHarness<E, E, unknown>(
        new IntervalJoinOperator<string, E, E, string>(bounds(-8, 10), (l, r, ctx, out) => out.collect(`${l.k}:${l.ts}-${r.ts}@${ctx.getTimestamp()}`)),
        { keySelector: (e: E) => e.k, keySelector2: (e: E) => e.k, subtaskIndex, parallelism },
      );
    const keys = ['a', 'b', 'c'];
    const steps: Array<HarnessStep<E, E>> = [];
    for (let i = 0; i < 40; i++) {
      const e = { k: keys[i % 3], ts: i * 2 + ((i * 13) % 9) - 4 };
      steps.push(i % 4 === 0 ? { element2: e, timestamp: e.ts } : { element: e, timestamp: e.ts });
      if (i % 6 === 5) steps.push({ watermark1: i * 2 - 1 }, { watermark2: i * 2 - 3 });
      if (i % 10 === 9) steps.push({ element: { k: 'a', ts: i }, timestamp: i }, { element2: { k: 'b', ts: i + 1 }, timestamp: i + 1 }); // late
    }
    steps.push({ watermark: 1000 });
    const script: HarnessScript<E, E> = { create: join, steps, keyOf: (e) => e.k, keyOf2: (e) => e.k };
    const uninterrupted = await runUninterrupted(script);
    expect(uninterrupted.filter((l) => !l.startsWith('side:') && !l.startsWith('wm ')).length).toBeGreaterThan(15);
    expect(uninterrupted.some((l) => l.startsWith('side:late-'))).toBe(true);
    expect(await differencesAcrossRestores(script)).toEqual([]);
    const records = uninterrupted.filter((l) => !l.startsWith('wm ')).sort();
    for (const splitAt of [17, 33]) {
      expect(await runWithRestore(script, { splitAt, before: 2, after: 1 })).toEqual(records);
      expect(await runWithRestore(script, { splitAt, before: 1, after: 2 })).toEqual(records);
    }
  });

  it('rejects bounds that leave no interval', () => {
    expect(() => new IntervalJoinOperator(bounds(3, 3, false, true), () => {})).toThrow(InvalidWindowParameterError);
  });
});
