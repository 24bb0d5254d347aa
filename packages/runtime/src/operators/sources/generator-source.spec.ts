import { ManualClock } from '../../time/clock';
import { InputStatus } from '../stream-operator';
import { SourceOperatorTestHarness } from '../testing';
import { GeneratorSource } from './generator-source';

async function runSubtask<T>(count: number, gen: (i: number) => T, subtaskIndex: number, parallelism: number): Promise<T[]> {
  return new SourceOperatorTestHarness(new GeneratorSource(count, gen), { subtaskIndex, parallelism }).run(7);
}

describe('GeneratorSource', () => {
  it('fromSequence semantics: 3 subtasks cover the range exactly once, each a contiguous part', async () => {
    const from = 10;
    const parts = await Promise.all([0, 1, 2].map((i) => runSubtask(11, (k) => from + k, i, 3)));
    expect(parts).toEqual([
      [10, 11, 12, 13],
      [14, 15, 16, 17],
      [18, 19, 20],
    ]);
  });

  it('splits generator indexes across subtasks and maps each index', async () => {
    const parts = await Promise.all([0, 1].map((i) => runSubtask(5, (k) => ({ id: k }), i, 2)));
    expect(parts).toEqual([[{ id: 0 }, { id: 1 }, { id: 2 }], [{ id: 3 }, { id: 4 }]]);
  });

  it('a subtask with an empty share ends at once', async () => {
    const h = new SourceOperatorTestHarness(new GeneratorSource(1, (k) => k), { subtaskIndex: 1, parallelism: 2 });
    await h.open();
    expect(h.pollNext(10)).toBe(InputStatus.END_OF_INPUT);
    expect(h.output.values()).toEqual([]);
  });

  it('count = Infinity never ends', async () => {
    const h = new SourceOperatorTestHarness(new GeneratorSource(Infinity, (k) => k));
    await h.open();
    for (let i = 0; i < 5; i++) expect(h.pollNext(1000)).toBe(InputStatus.MORE_AVAILABLE);
    expect(h.output.values().length).toBe(5000);
    expect(h.output.values()[4999]).toBe(4999);
  });

  it('limits the rate through the injected clock: the total rate is shared by the subtasks', async () => {
    const clock = new ManualClock(0);
    // 20 records/s over 2 subtasks = 10/s for this one: one record every 100 ms, the first at once.
    const h = new SourceOperatorTestHarness(new GeneratorSource(100, (k) => k, { recordsPerSecond: 20 }), {
      clock,
      subtaskIndex: 0,
      parallelism: 2,
    });
    await h.open();
    expect(h.pollNext(10)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(h.output.values()).toEqual([0]);
    let woken = false;
    h.operator.available().then(() => (woken = true));
    clock.advance(99);
    await Promise.resolve();
    expect(woken).toBe(false);
    clock.advance(1);
    await Promise.resolve();
    expect(woken).toBe(true);
    clock.advance(250);
    expect(h.pollNext(10)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(h.output.values()).toEqual([0, 1, 2, 3]);
    clock.advance(1000);
    expect(h.pollNext(5)).toBe(InputStatus.MORE_AVAILABLE);
    expect(h.output.values()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('cancel ends the source and wakes a waiting task', async () => {
    const clock = new ManualClock(0);
    const h = new SourceOperatorTestHarness(new GeneratorSource(10, (k) => k, { recordsPerSecond: 1 }), { clock });
    await h.open();
    expect(h.pollNext(10)).toBe(InputStatus.NOTHING_AVAILABLE);
    const waiting = h.operator.available();
    h.operator.cancel();
    await waiting;
    expect(h.pollNext(10)).toBe(InputStatus.END_OF_INPUT);
  });
});

describe('GeneratorSource checkpoints', () => {
  /** Emits `polls` batches of 3, then snapshots: the subtask's remaining ranges, as its list state holds them. */
  async function snapshotAfter(count: number, subtaskIndex: number, parallelism: number, polls: number) {
    const h = new SourceOperatorTestHarness(new GeneratorSource(count, (k) => k), { subtaskIndex, parallelism });
    await h.open();
    for (let i = 0; i < polls; i++) h.pollNext(3);
    const snapshot = h.snapshot(1);
    return { emitted: h.output.values(), state: h.operatorStateStore.snapshotState(), snapshot };
  }

  it('keeps the ranges still to emit; a restored subtask continues exactly there', async () => {
    const before = await snapshotAfter(20, 0, 2, 2);
    expect(before.emitted).toEqual([0, 1, 2, 3, 4, 5]);
    expect(before.state).toEqual([{ name: 'generator-remaining-ranges', mode: 'SPLIT_DISTRIBUTE', values: [[6, 10]] }]);

    const restored = new SourceOperatorTestHarness(new GeneratorSource(20, (k) => k), { subtaskIndex: 0, parallelism: 2 });
    await restored.initializeState({ from: before.snapshot });
    expect(await restored.run(100)).toEqual([6, 7, 8, 9]);
  });

  it('at a lower parallelism one subtask takes several ranges and emits each remaining index once', async () => {
    const a = await snapshotAfter(20, 0, 2, 1);
    const b = await snapshotAfter(20, 1, 2, 2);
    const restored = new SourceOperatorTestHarness(new GeneratorSource(20, (k) => k), { subtaskIndex: 0, parallelism: 1 });
    await restored.initializeState({ from: [a.snapshot, b.snapshot] });
    const rest = await restored.run(100);
    expect([...a.emitted, ...b.emitted, ...rest].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(rest).toEqual([3, 4, 5, 6, 7, 8, 9, 16, 17, 18, 19]);
  });
});
