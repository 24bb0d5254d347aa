import { NO_TIMESTAMP } from '@flott/core';
import { BlockingResultPartition, defaultNetworkConfig, InputGate, PartitionNotFoundError, ResultPartition, type AttachedProducer } from '../network';
import { consumeAll } from '../network/testing-fixtures/network-harness';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { ManualClock } from '../time/clock';
import { SlotServedPartitions, type SlotPartition } from './slot-served-partitions';

const config = defaultNetworkConfig({ segmentSize: 256 });

/**
 * Reads what a data server would write to the socket: the producer's buffers, with credits granted as
 * the gate frees them. The buffers are copied and handed back at once, as a socket's write does.
 */
async function readServed(producer: AttachedProducer): Promise<unknown[]> {
  const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
  gate.connectChannel(0, {
    onBuffer: (listener) =>
      producer.onBuffer((buffer, length, flags) => {
        const copy = buffer.slice(0, length);
        producer.returnBuffer(buffer);
        listener(copy, length, flags);
      }),
    sendCredit: (credits) => {
      if (credits > 0) producer.grant(credits);
    },
    close: () => producer.close(),
  });
  const got = await consumeAll(gate);
  return got.filter((r) => r.kind === 'record').map((r) => (r.kind === 'record' ? r.value : undefined));
}

describe('SlotServedPartitions (what a slot thread\'s own data server serves)', () => {
  const dir = useTemporaryDirectory('flott-slot-served-');
  let clock: ManualClock;
  let partitions: Map<string, SlotPartition>;
  let failed: Array<[string, Error]>;
  let served: SlotServedPartitions;

  beforeEach(() => {
    clock = new ManualClock(0);
    partitions = new Map();
    failed = [];
    served = new SlotServedPartitions({
      lookup: (key) => partitions.get(key),
      failTask: (attemptId, error) => failed.push([attemptId, error]),
      scheduler: clock,
      requestTimeoutMs: 1000,
    });
  });

  const register = (key: string, attemptId = 'a-1', numSubpartitions = 2): ResultPartition<unknown> => {
    const partition = new ResultPartition<unknown>({ partitionId: key, numSubpartitions, config, serializer: msgpackSerializer() });
    partitions.set(key, { attemptId, partition });
    served.registered(key);
    return partition;
  };

  const produce = (partition: ResultPartition<unknown>, subpartition: number, values: readonly string[]) => {
    for (const v of values) partition.emit(v, NO_TIMESTAMP, subpartition);
    partition.finish();
  };

  it('serves a registered partition\'s subpartition in order, across many small buffers, within the credits granted', async () => {
    const partition = register('p@1');
    const producer = await served.requestPartition('p@1', 1);
    const values = Array.from({ length: 500 }, (_, i) => `record ${i} ${'x'.repeat(i % 40)}`);
    const reading = readServed(producer);
    produce(partition, 1, values);
    expect(await reading).toEqual(values);
    // Every buffer went back to the producer (it holds none in flight), and nothing failed.
    expect(partition.stats().perSubpartition[1].inFlightBuffers).toBe(0);
    expect(failed).toEqual([]);
  });

  it('parks a request for a partition not registered yet and serves it once its task registers it', async () => {
    const request = served.requestPartition('later@1', 0);
    clock.advance(999);
    const partition = register('later@1');
    const reading = readServed(await request);
    produce(partition, 0, ['a', 'b']);
    expect(await reading).toEqual(['a', 'b']);
  });

  it('fails a request whose partition does not appear within taskmanager.network.partition-request-timeout', async () => {
    const request = served.requestPartition('never@1', 0);
    const other = served.requestPartition('never@1', 1);
    clock.advance(1000);
    await expect(request).rejects.toBeInstanceOf(PartitionNotFoundError);
    await expect(other).rejects.toThrow('Result partition never@1 did not appear within 1000 ms (taskmanager.network.partition-request-timeout)');
    // Registered after the timeout: nobody waits any more.
    register('never@1');
  });

  it('refuses a BLOCKING partition (its TaskManager serves it) and a subpartition that does not exist', async () => {
    partitions.set('b@1', {
      attemptId: 'a-1',
      partition: new BlockingResultPartition<unknown>({ partitionId: 'b@1', numSubpartitions: 1, config, serializer: msgpackSerializer(), directory: dir() }),
    });
    await expect(served.requestPartition('b@1', 0)).rejects.toMatchObject({ code: 'PARTITION_NOT_SERVED', message: "Result partition b@1 is BLOCKING: its TaskManager's data server serves it, not the slot's" });
    register('p@2', 'a-1', 1);
    await expect(served.requestPartition('p@2', 3)).rejects.toThrow('no subpartition 3 in p@2');
  });

  it('fails the producing attempt when the server loses the consumer\'s connection', async () => {
    register('p@3', 'attempt-7');
    const producer = await served.requestPartition('p@3', 0);
    const lost = new Error('connection lost');
    producer.failProducer(lost);
    expect(failed).toEqual([['attempt-7', lost]]);
  });

  it('ends the served channel when the partition is released, even before the server listens for its end', async () => {
    const partition = register('p@4');
    const producer = await served.requestPartition('p@4', 0);
    partition.release();
    let ended = false;
    producer.onClose(() => (ended = true));
    expect(ended).toBe(true);
  });

  it('refuses waiting requests when the slot shuts down', async () => {
    const request = served.requestPartition('p@5', 0);
    served.close();
    await expect(request).rejects.toMatchObject({ code: 'DATA_SERVER_SHUTDOWN' });
    await expect(served.requestPartition('p@6', 0)).rejects.toMatchObject({ code: 'DATA_SERVER_SHUTDOWN', message: 'The slot thread serving result partition p@6 shut down' });
  });
});
