import { NO_TIMESTAMP } from '@flott/core';
import { ResultPartition, type LocalHandOver } from './result-partition';
import { InputGate } from './input-gate';
import { createLocalChannel } from './transport';
import { defaultNetworkConfig, initialCreditsPerChannel, type NetworkConfig } from './network-config';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { BufferOverdraftError, NetworkReleasedError } from './network-errors';
import type { NetworkEvent } from './buffer-format';
import { consumeAll, drainReady, produceAll, type Received } from './testing-fixtures/network-harness';
import { sampleRecords } from './testing-fixtures/sample-records';

function pair(config: NetworkConfig, numSubpartitions = 1): { partition: ResultPartition<unknown>; gates: InputGate[] } {
  const partition = new ResultPartition<unknown>({ partitionId: 'p1', numSubpartitions, config, serializer: msgpackSerializer() });
  const gates: InputGate[] = [];
  for (let s = 0; s < numSubpartitions; s++) {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    const ch = createLocalChannel();
    partition.attachConsumer(s, ch.producer);
    gate.connectChannel(0, ch.consumer);
    gates.push(gate);
  }
  return { partition, gates };
}

const asReceived = (items: Array<{ value: unknown; timestamp: number }>, channel = 0): Received[] =>
  items.map((r) => ({ kind: 'record', value: r.value, timestamp: r.timestamp, channel }));
const EOP: Received = { kind: 'event', event: { kind: 'end-of-partition' }, channel: 0 };

describe('ResultPartition -> InputGate over a local channel', () => {
  it('says once, on its first record, that it has data (lazy scheduling deploys consumers then)', () => {
    const { partition } = pair(defaultNetworkConfig(), 2);
    let calls = 0;
    partition.onFirstData = () => calls++;
    expect(calls).toBe(0);
    partition.emit('a', NO_TIMESTAMP, 0);
    partition.emit('b', NO_TIMESTAMP, 1);
    partition.broadcastEvent({ kind: 'end-of-partition' });
    expect(calls).toBe(1);
  });

  it('ends its data before its partition: the consumer sees end-of-data, then barriers, then end-of-partition (checkpoints after tasks finish)', () => {
    const { partition, gates } = pair(defaultNetworkConfig(), 2);
    partition.emit('a', NO_TIMESTAMP, 0);
    partition.endData();
    partition.endData();
    const barrier: NetworkEvent = { kind: 'barrier', checkpointId: 7, timestamp: 1, alignedTimeoutMs: -1, location: 'x' };
    partition.broadcastEvent(barrier);
    const [gate, other] = gates;
    expect(drainReady(gate)).toEqual([...asReceived([{ value: 'a', timestamp: NO_TIMESTAMP }]), { kind: 'event', event: { kind: 'end-of-data' }, channel: 0 }, { kind: 'event', event: barrier, channel: 0 }]);
    expect([gate.isDataFinished(), gate.isFinished()]).toEqual([true, false]);
    partition.finish();
    expect(drainReady(gate)).toEqual([EOP]);
    expect([gate.isDataFinished(), gate.isFinished()]).toEqual([true, true]);
    expect(drainReady(other).map((r) => r.kind === 'event' && r.event.kind)).toEqual(['end-of-data', 'barrier', 'end-of-partition']);
  });

  it('counts each channel once towards the end of data: end-of-data then end-of-partition, or end-of-partition alone', () => {
    const config = defaultNetworkConfig();
    const gate = new InputGate({ gateIndex: 0, numChannels: 2, config, serializer: msgpackSerializer() });
    const partitions = [0, 1].map((channel) => {
      const partition = new ResultPartition<unknown>({ partitionId: `p${channel}`, numSubpartitions: 1, config, serializer: msgpackSerializer() });
      const ch = createLocalChannel();
      partition.attachConsumer(0, ch.producer);
      gate.connectChannel(channel, ch.consumer);
      return partition;
    });
    partitions[0].endData();
    partitions[0].finish();
    drainReady(gate);
    expect([gate.isDataFinished(), gate.isFinished()]).toEqual([false, false]);
    partitions[1].finish();
    drainReady(gate);
    expect([gate.isDataFinished(), gate.isFinished()]).toEqual([true, true]);
  });

  it('counts the records written (numRecordsOut): a broadcast one once', () => {
    const { partition } = pair(defaultNetworkConfig(), 2);
    partition.emit('a', NO_TIMESTAMP, 0);
    partition.emit('b', NO_TIMESTAMP, 1);
    partition.broadcastEmit('c', NO_TIMESTAMP);
    partition.broadcastEvent({ kind: 'end-of-partition' });
    expect(partition.numRecordsOut).toBe(3);
  });

  it.each([
    ['32 KiB segments', 32 * 1024],
    ['256 byte segments: many records span two buffers, the big strings hundreds', 256],
  ])('delivers 5,000 mixed records in order with their timestamps (%s)', async (_name, segmentSize) => {
    const config = defaultNetworkConfig({ segmentSize, maxBuffersPerChannel: 10, maxOverdraftBuffers: 500 });
    const { partition, gates } = pair(config);
    const records = sampleRecords(5000);
    const [got] = await Promise.all([consumeAll(gates[0]), produceAll(partition, records)]);
    expect(got).toEqual([...asReceived(records), EOP]);
    expect(gates[0].isFinished()).toBe(true);
    const big = got.filter((r) => r.kind === 'record' && typeof r.value === 'string' && r.value.length > 60_000);
    expect(big).toHaveLength(10);
  });

  it('keeps events and watermarks in-band, in order with the records', async () => {
    const { partition, gates } = pair(defaultNetworkConfig());
    const events: NetworkEvent[] = [
      { kind: 'watermark', timestamp: 10 },
      { kind: 'barrier', checkpointId: 7, timestamp: 1234, alignedTimeoutMs: -1, location: '/checkpoints/job/chk-7' },
      { kind: 'latency-marker', markedTime: 99, operatorId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', subtaskIndex: 3 },
      { kind: 'watermark', timestamp: 20 },
    ];
    const items = [
      { value: 'r0', timestamp: 1 },
      { event: events[0] },
      { value: 'r1', timestamp: 11 },
      { value: 'r2', timestamp: NO_TIMESTAMP },
      { event: events[1] },
      { event: events[2] },
      { value: 'r3', timestamp: 15 },
      { event: events[3] },
    ];
    const [got] = await Promise.all([consumeAll(gates[0]), produceAll(partition, items)]);
    expect(got).toEqual([
      { kind: 'record', value: 'r0', timestamp: 1, channel: 0 },
      { kind: 'watermark', timestamp: 10, channel: 0 },
      { kind: 'record', value: 'r1', timestamp: 11, channel: 0 },
      { kind: 'record', value: 'r2', timestamp: NO_TIMESTAMP, channel: 0 },
      { kind: 'event', event: events[1], channel: 0 },
      { kind: 'event', event: events[2], channel: 0 },
      { kind: 'record', value: 'r3', timestamp: 15, channel: 0 },
      { kind: 'watermark', timestamp: 20, channel: 0 },
      EOP,
    ]);
  });

  it('finishes the gate only after end-of-partition of every channel was polled', async () => {
    const config = defaultNetworkConfig();
    const gate = new InputGate({ gateIndex: 2, numChannels: 3, config, serializer: msgpackSerializer() });
    const partitions = [0, 1, 2].map((i) => {
      const p = new ResultPartition<unknown>({ partitionId: `p${i}`, numSubpartitions: 1, config, serializer: msgpackSerializer() });
      const ch = createLocalChannel();
      p.attachConsumer(0, ch.producer);
      gate.connectChannel(i, ch.consumer);
      return p;
    });
    for (let r = 0; r < 100; r++) for (let i = 0; i < 3; i++) partitions[i].emit({ from: i, r }, r, 0);
    partitions[0].finish();
    partitions[2].finish();
    const first = drainReady(gate);
    expect(gate.isFinished()).toBe(false);
    expect(first.filter((e) => e.kind === 'event').map((e) => e.channel).sort()).toEqual([0, 2]);
    partitions[1].finish();
    const rest = drainReady(gate);
    expect(gate.isFinished()).toBe(true);
    const all = [...first, ...rest];
    for (let i = 0; i < 3; i++) {
      const fromI = all.filter((e) => e.channel === i);
      expect(fromI).toEqual([
        ...Array.from({ length: 100 }, (_, r) => ({ kind: 'record', value: { from: i, r }, timestamp: r, channel: i })),
        { kind: 'event', event: { kind: 'end-of-partition' }, channel: i },
      ]);
    }
    await expect(gate.whenAvailable()).resolves.toBeUndefined();
  });

  it('routes each subpartition to its own consumer', async () => {
    const { partition, gates } = pair(defaultNetworkConfig(), 3);
    for (let i = 0; i < 30; i++) partition.emit(i, NO_TIMESTAMP, i % 3);
    partition.broadcastEmit('all', 5);
    partition.finish();
    for (let s = 0; s < 3; s++) {
      expect(drainReady(gates[s])).toEqual([
        ...Array.from({ length: 10 }, (_, k) => ({ kind: 'record', value: k * 3 + s, timestamp: NO_TIMESTAMP, channel: 0 })),
        { kind: 'record', value: 'all', timestamp: 5, channel: 0 },
        EOP,
      ]);
    }
  });

  it('sends nothing on an empty flush and exactly one buffer on a flush with data', () => {
    const { partition, gates } = pair(defaultNetworkConfig());
    partition.flushAll();
    expect(gates[0].stats().buffersQueued).toBe(0);
    expect(gates[0].pollNext()).toBeUndefined();
    partition.emit('a', 1, 0);
    partition.emit('b', 2, 0);
    expect(gates[0].stats().buffersQueued).toBe(0);
    partition.flushAll();
    partition.flushAll();
    expect(gates[0].stats().buffersQueued).toBe(1);
    expect(drainReady(gates[0])).toEqual([
      { kind: 'record', value: 'a', timestamp: 1, channel: 0 },
      { kind: 'record', value: 'b', timestamp: 2, channel: 0 },
    ]);
    expect(gates[0].stats()).toEqual({ buffersQueued: 0, maxBuffersQueued: 1 });
    expect(partition.stats().perSubpartition[0]).toEqual({
      // The flushed buffer went out at once (credit available), so it never waited in the queue. Consumed,
      // it waits to go back (InputChannel): the producer still holds all its other credits.
      queuedBuffers: 0, inFlightBuffers: 1, maxQueuedBuffers: 0, maxInFlightBuffers: 1, credits: initialCreditsPerChannel(defaultNetworkConfig(), 1) - 1,
    });
  });

  it('returns consumed buffers a few at a time while the producer holds half its credits, at once when it holds fewer', () => {
    // 4 credits: returns wait while the producer holds 2 or more.
    const { partition, gates } = pair(defaultNetworkConfig({ buffersPerChannel: 2, floatingBuffersPerGate: 2 }));
    const producer = () => {
      const { credits, inFlightBuffers } = partition.stats().perSubpartition[0];
      return { credits, inFlightBuffers };
    };
    const sendAndConsume = (value: string) => {
      partition.emit(value, 1, 0);
      partition.flushAll();
      expect(drainReady(gates[0])).toEqual([{ kind: 'record', value, timestamp: 1, channel: 0 }]);
    };
    sendAndConsume('a');
    expect(producer()).toEqual({ credits: 3, inFlightBuffers: 1 });
    sendAndConsume('b');
    expect(producer()).toEqual({ credits: 2, inFlightBuffers: 2 });
    // The third buffer leaves the producer 1 credit: its arrival brings both held returns back.
    partition.emit('c', 1, 0);
    partition.flushAll();
    expect(producer()).toEqual({ credits: 3, inFlightBuffers: 1 });
    expect(drainReady(gates[0])).toEqual([{ kind: 'record', value: 'c', timestamp: 1, channel: 0 }]);
    expect(producer()).toEqual({ credits: 3, inFlightBuffers: 1 });
  });

  it('keeps data written before the consumer connects and sends it on connection', () => {
    const config = defaultNetworkConfig();
    const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 1, config, serializer: msgpackSerializer() });
    partition.emit({ k: 1 }, 1, 0);
    partition.flushAll();
    partition.emit({ k: 2 }, 2, 0);
    partition.finish();
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    const ch = createLocalChannel();
    gate.connectChannel(0, ch.consumer);
    expect(gate.pollNext()).toBeUndefined();
    partition.attachConsumer(0, ch.producer);
    expect(drainReady(gate)).toEqual([
      { kind: 'record', value: { k: 1 }, timestamp: 1, channel: 0 },
      { kind: 'record', value: { k: 2 }, timestamp: 2, channel: 0 },
      EOP,
    ]);
    expect(gate.isFinished()).toBe(true);
  });

  it.each<[string, LocalHandOver]>([
    ['serialised', 'off'],
    ['handed over as objects', 'copy'],
  ])('back-pressures a producer whose consumer does not read, within the buffer bound (records %s)', async (_, localHandOver) => {
    const config = defaultNetworkConfig({ segmentSize: 1024, localHandOver, recordsPerSegment: 50 });
    const { partition, gates } = pair(config);
    const credits = config.buffersPerChannel + config.floatingBuffersPerGate;
    const total = 100_000;
    let written = 0;
    while (written < total && partition.isAvailable()) partition.emit({ seq: written }, written, 0), written++;
    expect(partition.isAvailable()).toBe(false);
    expect(written).toBeLessThan(total);
    const held = credits + 10;
    expect(partition.stats()).toEqual({
      perSubpartition: [{ queuedBuffers: 10, inFlightBuffers: credits, maxQueuedBuffers: 10, maxInFlightBuffers: credits, credits: 0 }],
      buffersAllocated: localHandOver === 'off' ? held : 0,
      maxBuffersAllocated: localHandOver === 'off' ? held : 0,
      segmentsAllocated: localHandOver === 'off' ? 0 : held,
    });
    if (localHandOver === 'copy') expect(written).toBe(held * 50);
    expect(gates[0].stats()).toEqual({ buffersQueued: credits, maxBuffersQueued: credits });

    let resumed = false;
    const waiting = partition.whenAvailable().then(() => (resumed = true));
    await Promise.resolve();
    expect(resumed).toBe(false);

    const produced = (async () => {
      await waiting;
      while (written < total) {
        if (!partition.isAvailable()) await partition.whenAvailable();
        partition.emit({ seq: written }, written, 0);
        written++;
      }
      partition.finish();
    })();
    const [got] = await Promise.all([consumeAll(gates[0]), produced]);
    expect(resumed).toBe(true);
    expect(got).toHaveLength(total + 1);
    got.slice(0, total).forEach((r, i) => {
      if (r.kind !== 'record' || (r.value as { seq: number }).seq !== i || r.timestamp !== i) throw new Error(`record ${i} wrong: ${JSON.stringify(r)}`);
    });
    expect(got[total]).toEqual(EOP);
    // finish() does not wait for availability: its end-of-partition event may take the one extra buffer.
    const allocated = localHandOver === 'off' ? partition.stats().maxBuffersAllocated : partition.stats().segmentsAllocated;
    expect(allocated).toBeGreaterThanOrEqual(credits + 10);
    expect(allocated).toBeLessThanOrEqual(credits + 10 + 1);
    expect(partition.stats().perSubpartition[0].maxQueuedBuffers).toBeLessThanOrEqual(11);
    expect(partition.stats().perSubpartition[0].maxInFlightBuffers).toBe(credits);
    expect(gates[0].stats().maxBuffersQueued).toBe(credits);
  });

  it('lets one record overdraw by max-overdraft buffers, then fails naming the option', () => {
    const config = defaultNetworkConfig({ segmentSize: 256, maxBuffersPerChannel: 2, maxOverdraftBuffers: 3, localHandOver: 'off' });
    const partition = new ResultPartition<unknown>({ partitionId: 'p9', numSubpartitions: 1, config, serializer: msgpackSerializer() });
    // No consumer: nothing can be sent. A ~1,000 byte record needs 4 full buffers plus a partial one.
    expect(() => partition.emit('y'.repeat(1000), 1, 0)).not.toThrow();
    expect(partition.isAvailable()).toBe(false);
    expect(partition.stats().perSubpartition[0].queuedBuffers).toBe(4);
    let error: unknown;
    try {
      partition.emit('z'.repeat(1000), 2, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BufferOverdraftError);
    expect((error as BufferOverdraftError).code).toBe('NETWORK_BUFFER_OVERDRAFT');
    expect((error as Error).message).toContain('taskmanager.network.memory.max-overdraft-buffers-per-gate');
    expect(partition.stats().perSubpartition[0].maxQueuedBuffers).toBe(5);
  });

  it('rejects writes after finish or release and reads after release', async () => {
    const { partition, gates } = pair(defaultNetworkConfig());
    partition.finish();
    expect(() => partition.emit(1, 1, 0)).toThrow(/after finish/);
    partition.release();
    expect(() => partition.emit(1, 1, 0)).toThrow(NetworkReleasedError);
    await expect(partition.whenAvailable()).resolves.toBeUndefined();
    gates[0].release();
    expect(() => gates[0].pollNext()).toThrow(NetworkReleasedError);
    expect(gates[0].stats().buffersQueued).toBe(0);
  });

  it('rejects a subpartition index out of range', () => {
    const { partition } = pair(defaultNetworkConfig(), 2);
    expect(() => partition.emit(1, 1, 2)).toThrow(/no subpartition 2/);
  });
});
