import { CheckpointBarrierHandler, type AlignableInput, type CheckpointBarrier } from './checkpoint-barrier-handler';

/** An input gate that records which of its channels are blocked. */
class RecordingInput implements AlignableInput {
  readonly blocked = new Set<number>();
  resumes = 0;
  blockChannel(channel: number): void {
    this.blocked.add(channel);
  }
  resumeChannels(): void {
    this.blocked.clear();
    this.resumes++;
  }
}

const barrier = (checkpointId: number): CheckpointBarrier => ({ checkpointId, timestamp: 1_000 + checkpointId, location: `/chk-${checkpointId}` });

describe('CheckpointBarrierHandler', () => {
  let gateA: RecordingInput;
  let gateB: RecordingInput;
  let triggered: number[];
  let aborted: Array<{ id: number; message: string }>;

  const handler = (aligned: boolean) =>
    new CheckpointBarrierHandler(
      [
        { input: gateA, channel: 0 },
        { input: gateA, channel: 1 },
        { input: gateB, channel: 0 },
      ],
      aligned,
      {
        triggerCheckpoint: (b) => triggered.push(b.checkpointId),
        abortCheckpoint: (id, cause) => aborted.push({ id, message: cause.message }),
      },
    );

  beforeEach(() => {
    gateA = new RecordingInput();
    gateB = new RecordingInput();
    triggered = [];
    aborted = [];
  });

  it('exactly once: blocks each channel that delivered the barrier until all have, then triggers and releases them', () => {
    const h = handler(true);
    h.processBarrier(1, barrier(1));
    expect([...gateA.blocked]).toEqual([1]);
    h.processBarrier(2, barrier(1));
    expect([...gateB.blocked]).toEqual([0]);
    expect(triggered).toEqual([]);
    expect(h.pendingCheckpointId).toBe(1);
    h.processBarrier(0, barrier(1));
    expect(triggered).toEqual([1]);
    expect(gateA.blocked.size + gateB.blocked.size).toBe(0);
    expect(h.pendingCheckpointId).toBeUndefined();
  });

  it('at least once: never blocks, triggers when the last channel delivered the barrier', () => {
    const h = handler(false);
    h.processBarrier(0, barrier(3));
    h.processBarrier(2, barrier(3));
    expect(gateA.blocked.size + gateB.blocked.size).toBe(0);
    expect(triggered).toEqual([]);
    h.processBarrier(1, barrier(3));
    expect(triggered).toEqual([3]);
  });

  it('counts an ended channel as aligned, for the checkpoint in progress and later ones', () => {
    const h = handler(true);
    h.processBarrier(0, barrier(1));
    h.processBarrier(1, barrier(1));
    h.processEndOfPartition(2);
    expect(triggered).toEqual([1]);
    h.processBarrier(0, barrier(2));
    h.processBarrier(1, barrier(2));
    expect(triggered).toEqual([1, 2]);
  });

  it('aborts the checkpoint in progress when a newer barrier arrives, and ignores late barriers of the aborted one', () => {
    const h = handler(true);
    h.processBarrier(0, barrier(1));
    h.processBarrier(1, barrier(2));
    expect(aborted).toEqual([{ id: 1, message: 'Checkpoint 1 was aborted: the barrier of checkpoint 2 arrived before alignment finished' }]);
    // Channel 0 was released with the abort; channel 1 holds checkpoint 2's barrier.
    expect([...gateA.blocked]).toEqual([1]);
    h.processBarrier(2, barrier(1));
    expect(h.pendingCheckpointId).toBe(2);
    h.processBarrier(0, barrier(2));
    h.processBarrier(2, barrier(2));
    expect(triggered).toEqual([2]);
  });

  it('drops the alignment of a checkpoint the coordinator aborted, and ignores its later barriers', () => {
    const h = handler(true);
    h.processBarrier(0, barrier(5));
    h.abortPending(5);
    expect(gateA.blocked.size).toBe(0);
    h.processBarrier(1, barrier(5));
    h.processBarrier(2, barrier(5));
    expect(triggered).toEqual([]);
    expect(h.pendingCheckpointId).toBeUndefined();
  });

  it('triggers at once for a task with a single input channel', () => {
    const single = new CheckpointBarrierHandler([{ input: gateA, channel: 0 }], true, {
      triggerCheckpoint: (b) => triggered.push(b.checkpointId),
      abortCheckpoint: () => undefined,
    });
    single.processBarrier(0, barrier(9));
    expect(triggered).toEqual([9]);
    expect(gateA.blocked.size).toBe(0);
  });
});
