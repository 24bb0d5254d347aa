import { DataGeneratorSource, InputStatus, NumberSequenceSource, RateLimiterStrategy } from '@flott/core';
import { TestingSourceWiring, settle } from '../testing/testing-source-wiring';
import { SourceCoordinatorError } from './source-coordinator-errors';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

async function started(parallelism: number, to = 20): Promise<TestingSourceWiring<number>> {
  const w = new TestingSourceWiring(new NumberSequenceSource(1, to), parallelism);
  w.coordinator.start();
  for (let i = 0; i < parallelism; i++) await w.startReader(i);
  return w;
}

describe('SourceCoordinator with SourceReaderOperators', () => {
  it('readers ask for splits, read them and end: every number exactly once, each split in order', async () => {
    const w = await started(2);
    const outputs = await w.pollAll();
    expect(w.readers.map((r) => r!.statuses.at(-1))).toEqual([2, 2]);
    expect(sorted(outputs.flat())).toEqual(range(1, 20));
    // The enumerator cut 1..20 into one split per reader; a reader emits a split's numbers in order.
    expect(outputs.map((o) => o.join(',')).sort()).toEqual([range(1, 10).join(','), range(11, 20).join(',')].sort());
    expect(w.failures).toEqual([]);
  });

  it('a global failover restores the enumerator and the readers from the checkpoint: the output equals a failure-free run', async () => {
    const w = await started(2, 30);
    for (const r of w.readers) r!.pollNext(4);
    await settle();
    const before = w.readers.map((r) => r!.output.values().slice());
    const cp = await w.checkpoint(7);
    // Records after the checkpoint are lost with the failure (they belong to the failed attempt).
    await w.pollAll(2, 3);
    await w.coordinator.close();

    const restored = new TestingSourceWiring(new NumberSequenceSource(1, 30), 2);
    await restored.coordinator.resetToCheckpoint(7, cp.coordinator);
    restored.coordinator.start();
    await restored.startReader(0, cp.readers);
    await restored.startReader(1, cp.readers);
    const after = await restored.pollAll();
    expect(sorted([...before.flat(), ...after.flat()])).toEqual(range(1, 30));
    expect(restored.failures).toEqual([]);
  });

  it.each([1, 3])('readers checkpointed at parallelism 2 resume at parallelism %i, every number once', async (newParallelism) => {
    const w = await started(2, 50);
    for (const r of w.readers) r!.pollNext(5);
    await settle();
    const before = w.readers.flatMap((r) => r!.output.values());
    const cp = await w.checkpoint(3);

    const restored = new TestingSourceWiring(new NumberSequenceSource(1, 50), newParallelism);
    await restored.coordinator.resetToCheckpoint(3, cp.coordinator);
    restored.coordinator.start();
    for (let i = 0; i < newParallelism; i++) await restored.startReader(i, cp.readers);
    const after = (await restored.pollAll()).flat();
    expect(before).toHaveLength(10);
    expect(sorted([...before, ...after])).toEqual(range(1, 50));
  });

  it('a subtask that restarts alone gets back the splits assigned to it after the checkpoint it restores', async () => {
    // Four splits for two readers: each reader asks again once it finished its first.
    const w = new TestingSourceWiring(new NumberSequenceSource(1, 8), 4);
    w.coordinator.start();
    await w.startReader(0);
    await w.startReader(1);
    const cp = await w.checkpoint(1); // reader 0 holds 1-2, reader 1 holds 3-4, splits 5-6 and 7-8 wait
    const subtask1At1 = cp.readers[1];
    // 3, 4, 5, 6: it asks for the next split as soon as one is done, so after 6 it holds 7-8 too.
    for (let i = 0; i < 4; i++) {
      w.readers[1]!.pollNext(1);
      await settle();
    }
    expect(w.readers[1]!.output.values()).toEqual([3, 4, 5, 6]); // it took splits 5-6 and 7-8 after checkpoint 1
    w.coordinator.subtaskReset(1, 1);
    w.coordinator.executionAttemptFailed(1, 'attempt-2');
    const again = await w.startReader(1, subtask1At1);
    const rest = await w.pollAll();
    expect(again.output.values().slice(0, 2)).toEqual([3, 4]);
    expect(sorted([...rest[0], ...rest[1]])).toEqual(range(1, 8));
  });

  it('an enumerator that answers a subtask without a reader fails the job with a named error', async () => {
    const w = await started(2);
    w.coordinator.executionAttemptFailed(1, 'attempt-2');
    await w.coordinator.handleEventFromOperator(1, 'attempt-2', { kind: 'source-request-split', subtask: 1 });
    expect(w.failures).toHaveLength(1);
    expect(w.failures[0]).toBeInstanceOf(SourceCoordinatorError);
    expect(w.failures[0].message).toBe(
      "Source coordinator of 'Source: testing': the enumerator tried to signal no more splits to subtask 1, which has no registered reader",
    );
  });

  it('rejects events it does not know', async () => {
    const w = await started(1);
    await expect(w.coordinator.handleEventFromOperator(0, 'attempt-1', { kind: 'nonsense' })).rejects.toThrow(
      `Source coordinator of 'Source: testing': unknown event from subtask 0: {"kind":"nonsense"}`,
    );
  });
});

describe('DataGeneratorSource through the coordinator', () => {
  it('generates each index once; a rate limit paces each reader by the task clock and wakes it when the next record is due', async () => {
    // 20 records/s over 2 readers: 10/s each, one every 100 ms, the first at once.
    const w = new TestingSourceWiring(new DataGeneratorSource((i) => i * 10, 6, RateLimiterStrategy.perSecond(20)), 2);
    w.coordinator.start();
    await w.startReader(0);
    await w.startReader(1);
    const [r0, r1] = [w.readers[0]!, w.readers[1]!];
    expect(r0.pollNext(10)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(r1.pollNext(10)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect([r0.output.values(), r1.output.values()]).toEqual([[0], [30]]);
    let woken = false;
    void r0.operator.available().then(() => (woken = true));
    w.clock.advance(99);
    await settle();
    expect(woken).toBe(false);
    w.clock.advance(1);
    await settle();
    expect(woken).toBe(true);
    w.clock.advance(1_000);
    const outputs = await w.pollAll(10);
    expect(sorted(outputs.flat())).toEqual([0, 10, 20, 30, 40, 50]);
    expect(outputs[0]).toEqual([0, 10, 20]);
  });
});
