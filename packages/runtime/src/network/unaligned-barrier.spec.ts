import { ResultPartition } from './result-partition';
import { InputGate } from './input-gate';
import { createLocalChannel } from './transport';
import { defaultNetworkConfig } from './network-config';
import type { LocalHandOver } from './result-partition';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { ElementKind, type InputElement } from './input-element';
import type { NetworkEvent } from './buffer-format';

const barrier = (checkpointId: number, alignedTimeoutMs = 0): NetworkEvent => ({ kind: 'barrier', checkpointId, timestamp: 0, alignedTimeoutMs, location: 'l' });

/**
 * One producer partition into a single-channel gate, in small buffers (one of the records below each),
 * or, handing records over as objects in one thread, in segments of one entry.
 */
function setup(localHandOver: LocalHandOver) {
  // Small buffers: a few records fill one, so queues and credits run out quickly.
  const config = defaultNetworkConfig({
    segmentSize: 64, buffersPerChannel: 2, floatingBuffersPerGate: 0, maxBuffersPerChannel: 3, maxOverdraftBuffers: 2, localHandOver, recordsPerSegment: 1,
  });
  const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 1, config, serializer: msgpackSerializer() });
  let priorityEvents = 0;
  const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer(), onPriorityEvent: () => priorityEvents++ });
  const ch = createLocalChannel();
  partition.attachConsumer(0, ch.producer);
  gate.connectChannel(0, ch.consumer);
  return { partition, gate, priorityEvents: () => priorityEvents };
}

function take(gate: InputGate, n = Infinity): string[] {
  const out: string[] = [];
  for (let e = n > 0 ? gate.pollNext() : undefined; e; e = out.length < n ? gate.pollNext() : undefined) out.push(show(e));
  return out;
}

function show(e: InputElement): string {
  if (e.kind === ElementKind.RECORD) return String(e.value);
  if (e.kind === ElementKind.WATERMARK) return `wm${e.timestamp}`;
  return e.event?.kind === 'barrier' ? `barrier${e.event.checkpointId}` : String(e.event?.kind);
}

const record = (v: string): string => `record-${v}-padding-to-fill-buffers`;

describe.each<[string, LocalHandOver]>([
  ['serialised', 'off'],
  ['handed over as objects in one thread', 'copy'],
])('unaligned checkpoint barriers (priority events), records %s', (_, mode) => {
  it('overtake the data queued at the producer and the consumer; the data arrives all the same, in order, after it', () => {
    const { partition, gate, priorityEvents } = setup(mode);
    let i = 0;
    // Back-pressure: write until the producer's queue is full (the consumer reads nothing).
    while (partition.isAvailable()) partition.emit(record(String(i++)), 0, 0);
    partition.emit(record(String(i++)), 0, 0); // one more, left in the unfinished buffer
    const written = i;
    expect(partition.stats().perSubpartition[0].queuedBuffers).toBeGreaterThan(0);
    partition.broadcastPriorityEvent(barrier(7));
    // Everything went to the consumer at once, ahead of credit; the producer's queue is empty, but what
    // it pushed counts as queued until the consumer returns it: the producer stays back-pressured.
    expect(partition.stats().perSubpartition[0].queuedBuffers).toBe(0);
    expect(partition.isAvailable()).toBe(false);
    expect(priorityEvents()).toBe(1);
    expect(gate.pollPriorityBarrier()).toEqual({ channel: 0, barrier: { ...barrier(7), alignedTimeoutMs: 0 }, announced: false });
    expect(gate.pollPriorityBarrier()).toBeUndefined();
    // The overtaken data is still consumed, in order, and the barrier is not among it.
    const consumed = take(gate);
    expect(consumed).toEqual(Array.from({ length: written }, (_, k) => record(String(k))));
    expect(partition.isAvailable()).toBe(true);
    // Credits are intact: the producer keeps sending through the same channel.
    for (let k = 0; k < 20; k++) {
      partition.emit(record(`after-${k}`), 0, 0);
      partition.flushAll();
      expect(take(gate)).toEqual([record(`after-${k}`)]);
    }
  });

  it('an aligned barrier with a timeout is announced when it arrives behind data, and still delivered in its place', () => {
    const { partition, gate } = setup(mode);
    for (let k = 0; k < 2; k++) partition.emit(record(`a${k}`), 0, 0);
    partition.broadcastEvent(barrier(5, 50));
    partition.flushAll();
    // Announced as soon as its buffer arrives (once credit lets it go), before the consumer reaches it;
    // the data ahead of it is decoded then, ready to be recorded.
    const seen: string[] = [];
    for (let e = take(gate, 1); e.length > 0; e = take(gate, 1)) {
      const p = gate.pollPriorityBarrier();
      if (p !== undefined) {
        expect(p).toEqual({ channel: 0, barrier: barrier(5, 50), announced: true });
        seen.push('announced');
      }
      seen.push(...e);
    }
    expect(seen.filter((x) => x !== 'announced')).toEqual([record('a0'), record('a1'), 'barrier5']);
    expect(seen.indexOf('announced')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('announced')).toBeLessThan(seen.indexOf('barrier5'));
    // A barrier without a timeout is not announced.
    partition.emit(record('b0'), 0, 0);
    partition.broadcastEvent(barrier(6, -1));
    partition.flushAll();
    expect(gate.pollPriorityBarrier()).toBeUndefined();
    expect(take(gate)).toEqual([record('b0'), 'barrier6']);
  });

  it('keep what is in flight bounded when barriers come one after another under back-pressure (pushes are charged to the credits)', () => {
    const { partition, gate } = setup(mode);
    let i = 0;
    const inFlight: number[] = [];
    for (let checkpoint = 1; checkpoint <= 20; checkpoint++) {
      // The producer writes while it may (a task stops when its output is unavailable); the consumer takes one record per checkpoint.
      while (partition.isAvailable()) partition.emit(record(String(i++)), 0, 0);
      partition.broadcastPriorityEvent(barrier(checkpoint));
      gate.pollPriorityBarrier();
      take(gate, 1);
      inFlight.push(partition.stats().perSubpartition[0].inFlightBuffers);
    }
    // Credits (2) plus one barrier's push (at most maxBuffersPerChannel + maxOverdraftBuffers + 1), whatever the number of checkpoints.
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(2 + 3 + 2 + 1);
    // Everything written arrives, in order, once the consumer catches up.
    const rest = take(gate);
    expect(rest.at(-1)).toBe(record(String(i - 1)));
    expect(rest.length).toBe(i - 20);
  });

  it('records exactly the elements ahead of the barrier, also those the consumer had already queued, and none behind it', () => {
    const { partition, gate } = setup(mode);
    for (let k = 0; k < 4; k++) partition.emit(record(`a${k}`), 0, 0);
    partition.broadcastEvent({ kind: 'watermark', timestamp: 5 });
    partition.flushAll();
    // The consumer took one element before the checkpoint.
    expect(take(gate, 1)).toEqual([record('a0')]);
    const recorded: string[] = [];
    let stoppedAt: string | undefined;
    gate.startRecording(0, {
      record: (e) => {
        if (e.kind === ElementKind.EVENT && e.event?.kind === 'barrier') {
          stoppedAt = show(e);
          return false;
        }
        recorded.push(show(e));
        return true;
      },
      // A batch ends before any element in it reaches the consumer (consecutive ends collapsed).
      endBatch: () => void (recorded.at(-1) !== '|' && recorded.push('|')),
    }, false);
    // Arriving while recording: recorded at once, not when consumed.
    partition.emit(record('b0'), 0, 0);
    partition.flushAll();
    partition.emit(record('b1'), 0, 0);
    partition.broadcastPriorityEvent(barrier(3));
    partition.emit(record('c0'), 0, 0);
    partition.flushAll();
    // Batches end where the channel's buffers (or segments, of one entry here) arrive.
    const batches = mode === 'off'
      ? [record('a1'), '|', record('a2'), record('a3'), '|', 'wm5', record('b0'), '|', record('b1'), '|']
      : [record('a1'), record('a2'), '|', record('a3'), '|', 'wm5', '|', record('b0'), '|', record('b1'), '|'];
    expect(recorded).toEqual(batches);
    expect(stoppedAt).toBe('barrier3');
    expect(gate.pollPriorityBarrier()?.barrier.checkpointId).toBe(3);
    expect(take(gate)).toEqual([record('a1'), record('a2'), record('a3'), 'wm5', record('b0'), record('b1'), record('c0')]);
  });

  it('a barrier that arrives first leaves what was queued ahead of it for recording; what comes later is not', () => {
    const { partition, gate } = setup(mode);
    partition.emit(record('x0'), 0, 0);
    partition.flushAll();
    partition.emit(record('x1'), 0, 0);
    partition.broadcastPriorityEvent(barrier(9));
    partition.emit(record('y0'), 0, 0);
    partition.flushAll();
    const recorded: string[] = [];
    gate.startRecording(0, { record: (e) => (recorded.push(show(e)), true), endBatch: () => undefined }, true);
    expect(recorded).toEqual([record('x0'), record('x1')]);
    expect(take(gate)).toEqual([record('x0'), record('x1'), record('y0')]);
  });

  it('restored channel state is consumed before anything the channel receives', () => {
    const { partition, gate } = setup(mode);
    gate.restoreChannelState(0, [
      { kind: ElementKind.RECORD, value: 'restored-1', timestamp: 3, channel: 0, event: undefined },
      { kind: ElementKind.WATERMARK, value: undefined, timestamp: 4, channel: 0, event: undefined },
    ]);
    partition.emit(record('new'), 0, 0);
    partition.flushAll();
    expect(take(gate)).toEqual(['restored-1', 'wm4', record('new')]);
  });

  it('before a consumer is attached, a barrier waits in order behind a full queue instead of failing', () => {
    const config = defaultNetworkConfig({ segmentSize: 64, maxBuffersPerChannel: 2, maxOverdraftBuffers: 1, localHandOver: mode, recordsPerSegment: 1 });
    const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 1, config, serializer: msgpackSerializer() });
    while (partition.isAvailable()) partition.emit(record('q'), 0, 0);
    partition.broadcastPriorityEvent(barrier(1));
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    const ch = createLocalChannel();
    partition.attachConsumer(0, ch.producer);
    gate.connectChannel(0, ch.consumer);
    const seen = take(gate);
    expect(seen[seen.length - 1]).toBe('barrier1');
    expect(gate.pollPriorityBarrier()).toBeUndefined();
  });
});
