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

const barrier = (checkpointId: number): CheckpointBarrier => ({ checkpointId, timestamp: 1_000 + checkpointId, location: `/chk-${checkpointId}`, alignedTimeoutMs: -1 });

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
        channelStateComplete: () => undefined,
        schedule: () => ({ cancel: () => undefined }),
        now: () => 0,
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
      channelStateComplete: () => undefined,
      schedule: () => ({ cancel: () => undefined }),
      now: () => 0,
    });
    single.processBarrier(0, barrier(9));
    expect(triggered).toEqual([9]);
    expect(gateA.blocked.size).toBe(0);
  });

  describe('unaligned', () => {
    let now: number;
    let timers: Array<{ at: number; fn: () => void; canceled: boolean }>;
    let unalignedTriggers: Array<{ id: number; received: string }>;
    let completed: number[];

    const unalignedHandler = () =>
      new CheckpointBarrierHandler([{ input: gateA, channel: 0 }, { input: gateA, channel: 1 }, { input: gateB, channel: 0 }], true, {
        triggerCheckpoint: (b, unaligned) => {
          if (unaligned) unalignedTriggers.push({ id: b.checkpointId, received: [...unaligned.received].map(([c, how]) => `${c}:${how}`).join(',') });
          else triggered.push(b.checkpointId);
        },
        abortCheckpoint: (id, cause) => aborted.push({ id, message: cause.message }),
        channelStateComplete: (id) => completed.push(id),
        schedule: (delayMs, fn) => {
          const timer = { at: now + delayMs, fn, canceled: false };
          timers.push(timer);
          return { cancel: () => (timer.canceled = true) };
        },
        now: () => now,
      });

    const advanceTo = (t: number) => {
      now = t;
      for (const timer of timers.splice(0)) {
        if (timer.canceled) continue;
        if (timer.at <= t) timer.fn();
        else timers.push(timer);
      }
    };

    beforeEach(() => {
      now = 0;
      timers = [];
      unalignedTriggers = [];
      completed = [];
    });

    const withTimeout = (checkpointId: number, alignedTimeoutMs: number): CheckpointBarrier => ({ checkpointId, timestamp: 1_000, location: 'l', alignedTimeoutMs });

    it('snapshots at the first barrier without blocking, and completes the channel state when every channel delivered it', () => {
      const h = unalignedHandler();
      h.processBarrier(1, withTimeout(4, 0), 'priority');
      expect(unalignedTriggers).toEqual([{ id: 4, received: '1:priority' }]);
      expect(gateA.blocked.size + gateB.blocked.size).toBe(0);
      expect(h.isUnaligned).toBe(true);
      h.processBarrier(0, withTimeout(4, 0), 'in-band');
      h.processBarrier(0, withTimeout(4, 0), 'priority'); // the same barrier again (recorded first, then handed out): ignored
      expect(completed).toEqual([]);
      h.processEndOfPartition(2);
      expect(completed).toEqual([4]);
      expect(triggered).toEqual([]);
      expect(h.pendingCheckpointId).toBeUndefined();
    });

    it('a barrier that overtook its channel\'s data makes an aligned checkpoint unaligned at once (an upstream task switched)', () => {
      const h = unalignedHandler();
      h.processBarrier(0, withTimeout(2, 5_000));
      expect([...gateA.blocked]).toEqual([0]);
      h.processBarrier(2, withTimeout(2, 5_000), 'priority');
      expect(unalignedTriggers).toEqual([{ id: 2, received: '0:in-band,2:priority' }]);
      expect(gateA.blocked.size).toBe(0);
      expect(timers.every((t) => t.canceled)).toBe(true);
    });

    it('switches to unaligned when alignment takes longer than aligned-checkpoint-timeout after the checkpoint started', () => {
      const h = unalignedHandler();
      now = 1_200;
      h.processBarrier(2, withTimeout(6, 1_000));
      expect([...gateB.blocked]).toEqual([0]);
      advanceTo(1_999);
      expect(unalignedTriggers).toEqual([]);
      advanceTo(2_000);
      expect(unalignedTriggers).toEqual([{ id: 6, received: '2:in-band' }]);
      expect(gateB.blocked.size).toBe(0);
      h.processBarrier(0, withTimeout(6, 1_000));
      h.processBarrier(1, withTimeout(6, 1_000));
      expect(completed).toEqual([6]);
      expect(triggered).toEqual([]);
    });

    it('stays aligned when alignment finishes within the timeout, and a barrier arriving after it starts unaligned', () => {
      const h = unalignedHandler();
      now = 1_100;
      for (const channel of [0, 1, 2]) h.processBarrier(channel, withTimeout(1, 1_000));
      expect(triggered).toEqual([1]);
      advanceTo(5_000);
      expect(unalignedTriggers).toEqual([]);
      now = 9_000;
      h.processBarrier(1, { ...withTimeout(2, 1_000), timestamp: 7_000 });
      expect(unalignedTriggers).toEqual([{ id: 2, received: '1:in-band' }]);
    });

    it('a savepoint (alignedTimeoutMs < 0) always aligns, and an aborted unaligned checkpoint never completes', () => {
      const h = unalignedHandler();
      h.processBarrier(0, withTimeout(3, -1));
      advanceTo(1_000_000);
      expect(unalignedTriggers).toEqual([]);
      expect([...gateA.blocked]).toEqual([0]);
      h.processBarrier(1, withTimeout(4, 0), 'priority');
      expect(aborted.map((a) => a.id)).toEqual([3]);
      h.abortPending(4);
      for (const channel of [0, 2]) h.processBarrier(channel, withTimeout(4, 0));
      expect(completed).toEqual([]);
    });
  });
});

describe('CheckpointBarrierHandler: announced barriers (aligned with a timeout)', () => {
  it('starts the timeout at the announcement of a barrier still behind data, and on expiry takes it as overtaking', () => {
    const input = new RecordingInput();
    const timers: Array<() => void> = [];
    const triggered: Array<{ id: number; received?: Array<[number, string]> }> = [];
    const complete: number[] = [];
    const h = new CheckpointBarrierHandler([{ input, channel: 0 }, { input, channel: 1 }], true, {
      triggerCheckpoint: (b, unaligned) => triggered.push({ id: b.checkpointId, received: unaligned && [...unaligned.received] }),
      abortCheckpoint: () => undefined,
      channelStateComplete: (id) => complete.push(id),
      schedule: (_delay, fn) => {
        timers.push(fn);
        return { cancel: () => undefined };
      },
      now: () => 10,
    });
    const b: CheckpointBarrier = { checkpointId: 4, timestamp: 0, location: '/chk-4', alignedTimeoutMs: 50 };
    // Both channels' barriers wait behind data; neither was reached, so nothing is blocked yet.
    h.processAnnouncement(0, b);
    h.processAnnouncement(1, b);
    expect(timers).toHaveLength(1);
    expect(triggered).toEqual([]);
    expect(h.pendingCheckpointId).toBe(4);
    timers[0]();
    expect(triggered).toEqual([{ id: 4, received: [[0, 'priority'], [1, 'priority']] }]);
    // Every channel is accounted for: the recorded in-flight data is complete at once.
    expect(complete).toEqual([4]);
    // The in-band copies that the task reaches later change nothing.
    h.processBarrier(0, b);
    h.processBarrier(1, b);
    expect(triggered).toHaveLength(1);
    expect(input.blocked.size).toBe(0);
  });

  it('a barrier reached before the timeout aligns as usual; announcements of other checkpoints, or without a timeout, are ignored', () => {
    const input = new RecordingInput();
    const triggered: number[] = [];
    const h = new CheckpointBarrierHandler([{ input, channel: 0 }], true, {
      triggerCheckpoint: (b, unaligned) => triggered.push(unaligned ? -b.checkpointId : b.checkpointId),
      abortCheckpoint: () => undefined,
      channelStateComplete: () => undefined,
      schedule: () => ({ cancel: () => undefined }),
      now: () => 10,
    });
    const b: CheckpointBarrier = { checkpointId: 2, timestamp: 0, location: '/chk-2', alignedTimeoutMs: 50 };
    h.processAnnouncement(0, { ...b, alignedTimeoutMs: -1 });
    expect(h.pendingCheckpointId).toBeUndefined();
    h.processAnnouncement(0, b);
    h.processBarrier(0, b);
    expect(triggered).toEqual([2]);
    h.processAnnouncement(0, { ...b, checkpointId: 1 });
    expect(h.pendingCheckpointId).toBeUndefined();
  });
});
