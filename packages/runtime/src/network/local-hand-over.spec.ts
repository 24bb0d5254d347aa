import { NO_TIMESTAMP, binaryCodecSerializer, type RecordSerializer } from '@flott/core';
import { ResultPartition, type LocalHandOver } from './result-partition';
import { InputGate } from './input-gate';
import { MessageChannel } from 'node:worker_threads';
import { consumerEndpointFromPort, createLocalChannel, producerEndpointFromPort } from './transport';
import { defaultNetworkConfig, type NetworkConfig } from './network-config';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import type { NetworkEvent } from './buffer-format';
import { consumeAll, drainReady, produceAll, type Received } from './testing-fixtures/network-harness';
import { sampleRecords } from './testing-fixtures/sample-records';

/** One partition of `n` subpartitions, each into a gate of one channel on this event loop. */
function local(localHandOver: LocalHandOver, opts: { n?: number; serializer?: RecordSerializer<unknown>; config?: Partial<NetworkConfig> } = {}) {
  const config = defaultNetworkConfig({ localHandOver, ...opts.config });
  const serializer = opts.serializer ?? msgpackSerializer();
  const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: opts.n ?? 1, config, serializer });
  const gates = Array.from({ length: opts.n ?? 1 }, (_, s) => {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer });
    const ch = createLocalChannel();
    partition.attachConsumer(s, ch.producer);
    gate.connectChannel(0, ch.consumer);
    return gate;
  });
  return { partition, gates };
}

/** `depth` arrays one inside the other, deeper than the copier follows. */
const nest = (depth: number): unknown => (depth === 0 ? ['x'] : [nest(depth - 1)]);

const barrier: NetworkEvent = { kind: 'barrier', checkpointId: 2, timestamp: 9, alignedTimeoutMs: -1, location: 'x' };
const EOP: Received = { kind: 'event', event: { kind: 'end-of-partition' }, channel: 0 };

const values = (received: Received[]): unknown[] => received.flatMap((r) => (r.kind === 'record' ? [r.value] : []));

class Point {
  constructor(readonly x: number, readonly y: number) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

describe('records between subtasks of one thread (local hand-over)', () => {
  it('arrive as copies the consumer owns: a producer that changes an emitted object, or a broadcast record changed by one consumer, corrupts nothing', () => {
    const { partition, gates } = local('copy', { n: 2 });
    const tuple: [string, number] = ['a', 1];
    partition.emit(tuple, 5, 0);
    tuple[1] = 2; // the producer reuses its output object
    partition.emit(tuple, 6, 0);
    const shared = { word: 'b', counts: [1, 2] };
    partition.broadcastEmit(shared, NO_TIMESTAMP);
    partition.flushAll();
    expect(partition.stats().buffersAllocated).toBe(0);
    const [first, second] = gates.map((g) => drainReady(g));
    const [b0, b1] = [values(first)[2], values(second)[0]] as Array<typeof shared>;
    b0.counts.push(99); // one consumer changes its input
    expect(first).toEqual([
      { kind: 'record', value: ['a', 1], timestamp: 5, channel: 0 },
      { kind: 'record', value: ['a', 2], timestamp: 6, channel: 0 },
      { kind: 'record', value: { word: 'b', counts: [1, 2, 99] }, timestamp: NO_TIMESTAMP, channel: 0 },
    ]);
    expect(b1).toEqual({ word: 'b', counts: [1, 2] });
    expect(shared).toEqual({ word: 'b', counts: [1, 2] });
    expect(b0).not.toBe(shared);
  });

  it('with object reuse, are the objects themselves (what the contract of pipeline.object-reuse allows a function to rely on, and warns of)', () => {
    const { partition, gates } = local('reuse', { n: 2 });
    const shared = { word: 'b', counts: [1] };
    partition.broadcastEmit(shared, NO_TIMESTAMP);
    partition.flushAll();
    const [a, b] = gates.map((g) => values(drainReady(g))[0]);
    expect(a).toBe(shared);
    expect(b).toBe(shared);
  });

  it('arrive as a serialiser round trip would deliver them, for values the copier leaves to msgpack too', () => {
    const sample: unknown[] = [
      new Map([['k', [1, 2]]]), new Set(['s']), new Date(86_400_000), new Point(3, 4), new Uint8Array([7, 8]),
      nest(20), [1, , 3], -0, 12n, { a: undefined }, null,
    ];
    const run = (mode: LocalHandOver): unknown[] => {
      const { partition, gates } = local(mode);
      for (const v of sample) partition.emit(v, NO_TIMESTAMP, 0);
      partition.flushAll();
      return values(drainReady(gates[0]));
    };
    const handedOver = run('copy');
    const serialised = run('off');
    expect(handedOver).toEqual(serialised);
    handedOver.forEach((v, i) => {
      expect(Object.prototype.toString.call(v)).toBe(Object.prototype.toString.call(serialised[i]));
      if (typeof v === 'object' && v !== null) expect(v).not.toBe(sample[i]);
    });
    expect(handedOver[3]).not.toBeInstanceOf(Point);
    expect(Object.is(handedOver[7], 0)).toBe(true);
    // What msgpack cannot write fails as it would on the wire.
    const { partition } = local('copy');
    expect(() => partition.emit(2n ** 70n, NO_TIMESTAMP, 0)).toThrow(/too large/);
  });

  it('are serialised when their serializer has no copier (a hand-written codec defines its own round trip)', () => {
    const codec = binaryCodecSerializer<unknown>({
      maxEncodedLength: () => 8,
      write: (v, target, offset) => target.writeDoubleLE((v as { n: number }).n, offset) && offset + 8,
      read: (source, offset) => ({ n: source.readDoubleLE(offset), decoded: true }),
    });
    const { partition, gates } = local('copy', { serializer: codec });
    partition.emit({ n: 4 }, NO_TIMESTAMP, 0);
    partition.flushAll();
    expect(values(drainReady(gates[0]))).toEqual([{ n: 4, decoded: true }]);
    expect(partition.stats().segmentsAllocated).toBe(0);
  });

  it('carry watermarks, events, barriers and the end of the partition in order with the records', async () => {
    const { partition, gates } = local('copy', { config: { recordsPerSegment: 3 } });
    const items = [
      ...sampleRecords(20),
      { event: { kind: 'watermark', timestamp: 19 } as NetworkEvent },
      { event: barrier },
      { value: 'last', timestamp: 20 },
      { event: { kind: 'end-of-data' } as NetworkEvent },
    ];
    const [got] = await Promise.all([consumeAll(gates[0]), produceAll(partition, items)]);
    expect(got).toEqual([
      ...sampleRecords(20).map(({ value, timestamp }) => ({ kind: 'record', value, timestamp, channel: 0 })),
      { kind: 'watermark', timestamp: 19, channel: 0 },
      { kind: 'event', event: barrier, channel: 0 },
      { kind: 'record', value: 'last', timestamp: 20, channel: 0 },
      { kind: 'event', event: { kind: 'end-of-data' }, channel: 0 },
      { kind: 'event', event: { kind: 'end-of-partition' }, channel: 0 },
    ]);
    expect(gates[0].isFinished()).toBe(true);
    expect(partition.stats().buffersAllocated).toBe(0);
  });

  it('written before the consumer connected arrive first, as bytes (copies by nature), then the rest as objects', () => {
    const config = defaultNetworkConfig({ localHandOver: 'copy' });
    const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 1, config, serializer: msgpackSerializer() });
    const early = { k: 1 };
    partition.emit(early, 1, 0);
    early.k = 99;
    partition.broadcastPriorityEvent(barrier); // before a consumer: in band
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    const ch = createLocalChannel();
    gate.connectChannel(0, ch.consumer);
    partition.attachConsumer(0, ch.producer);
    partition.emit({ k: 2 }, 2, 0);
    partition.finish();
    expect(drainReady(gate)).toEqual([
      { kind: 'record', value: { k: 1 }, timestamp: 1, channel: 0 },
      { kind: 'event', event: barrier, channel: 0 },
      { kind: 'record', value: { k: 2 }, timestamp: 2, channel: 0 },
      EOP,
    ]);
    expect(partition.stats().buffersAllocated).toBe(2);
    expect(partition.stats().segmentsAllocated).toBe(1);
    expect(gate.isFinished()).toBe(true);
  });

  it('go to a consumer in another thread as bytes, whatever the local hand-over', async () => {
    const config = defaultNetworkConfig({ localHandOver: 'copy' });
    const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 1, config, serializer: msgpackSerializer() });
    const { port1, port2 } = new MessageChannel();
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    gate.connectChannel(0, consumerEndpointFromPort(port2));
    partition.attachConsumer(0, producerEndpointFromPort(port1));
    const records = sampleRecords(600);
    const [got] = await Promise.all([consumeAll(gate), produceAll(partition, records)]);
    expect(got).toEqual([...records.map(({ value, timestamp }) => ({ kind: 'record', value, timestamp, channel: 0 })), EOP]);
    expect(partition.stats().segmentsAllocated).toBe(0);
    port1.close();
  });

  it('back-pressure and credits bound what a channel holds: segments are reused, not allocated per record', async () => {
    const config: Partial<NetworkConfig> = { recordsPerSegment: 16, buffersPerChannel: 1, floatingBuffersPerGate: 1, maxBuffersPerChannel: 2 };
    const { partition, gates } = local('copy', { config });
    const items = Array.from({ length: 5000 }, (_, i) => ({ value: { i }, timestamp: i }));
    const [got] = await Promise.all([consumeAll(gates[0]), produceAll(partition, items)]);
    expect(values(got)).toEqual(items.map((it) => it.value));
    // 2 credits in flight + 2 queued + the one being written (+1 for end-of-partition, which waits for no availability).
    expect(partition.stats().segmentsAllocated).toBeLessThanOrEqual(6);
    expect(gates[0].stats().maxBuffersQueued).toBeLessThanOrEqual(2);
  });

  it('overdraw by max-overdraft segments at most, then fail naming the option, as buffers do', () => {
    const config = defaultNetworkConfig({ localHandOver: 'copy', recordsPerSegment: 2, maxBuffersPerChannel: 2, maxOverdraftBuffers: 3 });
    const partition = new ResultPartition<unknown>({ partitionId: 'p9', numSubpartitions: 1, config, serializer: msgpackSerializer() });
    partition.attachConsumer(0, createLocalChannel().producer); // a consumer on this thread that grants no credit
    for (let i = 0; i < 10; i++) partition.emit(i, NO_TIMESTAMP, 0); // 5 full segments, none sent
    expect(partition.isAvailable()).toBe(false);
    partition.emit(10, NO_TIMESTAMP, 0);
    expect(() => partition.emit(11, NO_TIMESTAMP, 0)).toThrow(/max-overdraft-buffers-per-gate/);
  });
});
