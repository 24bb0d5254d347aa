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
