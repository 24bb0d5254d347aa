import { CollectSinkError } from '../operator-errors';
import { OneInputOperatorTestHarness } from '../testing';
import { CollectSink, collectSinkId, isCollectBatchEvent, type CollectBatchEvent } from './collect-sink';

/** A coordinator that acknowledges only when the test says so. */
class ManualAcks {
  readonly events: CollectBatchEvent[] = [];
  private readonly pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  readonly handler = (e: unknown): Promise<unknown> => {
    if (!isCollectBatchEvent(e)) throw new Error('not a collect event');
    this.events.push(e);
    return new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject }));
  };
  async ackNext(): Promise<void> {
    this.pending.shift()?.resolve();
    await flush();
  }
  async failNext(message: string): Promise<void> {
    this.pending.shift()?.reject(new Error(message));
    await flush();
  }
  get unacked(): number {
    return this.pending.length;
  }
}

const flush = () => new Promise((r) => setImmediate(r));

function harness(acks: ManualAcks, batchSize = 3, maxPendingBatches = 2) {
  return new OneInputOperatorTestHarness(new CollectSink<number>(collectSinkId(7), { batchSize, maxPendingBatches }), {
    onOperatorEvent: acks.handler,
    subtaskIndex: 1,
    parallelism: 2,
    attemptNumber: 3,
  });
}

describe('CollectSink', () => {
  it('sends full batches as operator events naming sink, subtask and attempt', async () => {
    const acks = new ManualAcks();
    const h = harness(acks);
    await h.open();
    h.processElements([1, 2, 3, 4]);
    expect(acks.events).toEqual([{ type: 'collect', sinkId: 'collect-7', subtaskIndex: 1, attemptNumber: 3, records: [1, 2, 3] }]);
  });

  it('is unavailable while two batches are unacknowledged and available again after an ack', async () => {
    const acks = new ManualAcks();
    const h = harness(acks);
    await h.open();
    h.processElements([1, 2, 3, 4, 5, 6]);
    expect(acks.unacked).toBe(2);
    expect(h.isAvailable()).toBe(false);
    let available = false;
    void h.availabilityProviders[0].whenAvailable().then(() => (available = true));
    await flush();
    expect(available).toBe(false);
    await acks.ackNext();
    expect(available).toBe(true);
    expect(h.isAvailable()).toBe(true);
  });

  it('keeps records fed past the limit and sends them once an ack frees a slot', async () => {
    const acks = new ManualAcks();
    const h = harness(acks);
    await h.open();
    h.processElements([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(acks.events.map((e) => e.records)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await acks.ackNext();
    expect(acks.events.map((e) => e.records)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
  });

  it('finish flushes the partial batch and resolves only when every batch is acknowledged', async () => {
    const acks = new ManualAcks();
    const h = harness(acks);
    await h.open();
    h.processElements([1, 2, 3, 4, 5, 6, 7]);
    let finished = false;
    const finishing = h.finish().then(() => (finished = true));
    await flush();
    expect(acks.events.length).toBe(2);
    await acks.ackNext();
    expect(acks.events.map((e) => e.records)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(finished).toBe(false);
    await acks.ackNext();
    expect(finished).toBe(false);
    await acks.ackNext();
    await finishing;
    expect(finished).toBe(true);
  });

  it('finish with nothing collected sends nothing', async () => {
    const acks = new ManualAcks();
    const h = harness(acks);
    await h.open();
    await h.finish();
    expect(acks.events).toEqual([]);
  });

  it('a rejected batch fails the next record and finish with a CollectSinkError', async () => {
    const acks = new ManualAcks();
    const h = harness(acks);
    await h.open();
    h.processElements([1, 2, 3]);
    await acks.failNext('client gone');
    expect(() => h.processElement(4)).toThrow(CollectSinkError);
    await expect(h.finish()).rejects.toThrow('Collect sink collect-7: sending a batch failed: client gone');
  });
});
