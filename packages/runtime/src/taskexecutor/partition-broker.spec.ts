import { existsSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { Configuration, NO_TIMESTAMP } from '@flott/core';
import { NetworkOptions } from '../config/options';
import { SILENT_LOGGER } from '../logging/logger';
import { BlockingResultPartition, consumerEndpointFromPort, defaultNetworkConfig, InputGate, type AttachedProducer } from '../network';
import { consumeAll } from '../network/testing-fixtures/network-harness';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { waitUntil } from '../testing/wait-until';
import { ManualClock } from '../time/clock';
import { PartitionBroker, PartitionNotFoundError, PartitionReleasedError } from './partition-broker';
import type { ToSlot } from './slot-protocol';
import type { TaskSlot } from './slot-thread';

/** A slot that records what the broker posts to it. */
class RecordingSlot implements TaskSlot {
  readonly posted: ToSlot[] = [];
  readonly ready = Promise.resolve();
  readonly alive = true;
  constructor(readonly slotIndex: number) {}
  post(msg: ToSlot): void {
    this.posted.push(msg);
  }
  async shutdown(): Promise<void> {}
  /** The channel port of the connect-channel reply to `requestId`, once posted. */
  async channelPort(requestId: number): Promise<MessagePort> {
    const reply = await waitUntil(() => this.posted.find((m) => 'requestId' in m && m.requestId === requestId), `the reply to request ${requestId}`, 10_000);
    if (reply.type !== 'connect-channel') throw new Error(`request ${requestId} got ${reply.type}`);
    return reply.port;
  }
}

describe('PartitionBroker with BLOCKING partitions', () => {
  const dir = useTemporaryDirectory('flott-broker-');
  const config = Configuration.fromRecord({ [NetworkOptions.PARTITION_REQUEST_TIMEOUT.key]: 1000 });
  let clock: ManualClock;
  let broker: PartitionBroker;
  const producerSlot = new RecordingSlot(0);
  let consumer: RecordingSlot;

  beforeEach(() => {
    clock = new ManualClock(0);
    broker = new PartitionBroker('tm-1', config, clock, SILENT_LOGGER);
    consumer = new RecordingSlot(1);
  });
  afterEach(() => broker.close());

  /** Writes `values` into a finished one-subpartition BLOCKING partition `key` and returns its files. */
  function writeFinished(key: string, values: readonly string[]): readonly string[] {
    const partition = new BlockingResultPartition<unknown>({ partitionId: key, numSubpartitions: 1, config: defaultNetworkConfig(), serializer: msgpackSerializer(), directory: dir() });
    for (const v of values) partition.emit(v, NO_TIMESTAMP, 0);
    partition.finish();
    return partition.files;
  }

  async function readChannel(port: MessagePort): Promise<unknown[]> {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config: defaultNetworkConfig(), serializer: msgpackSerializer() });
    gate.connectChannel(0, consumerEndpointFromPort(port));
    const got = await consumeAll(gate);
    port.close();
    return got.filter((r) => r.kind === 'record').map((r) => (r.kind === 'record' ? r.value : undefined));
  }

  /** Reads what a data server would serve to a remote consumer: the producer's buffers, credits granted as the gate returns them. */
  async function readServed(producer: AttachedProducer): Promise<unknown[]> {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config: defaultNetworkConfig(), serializer: msgpackSerializer() });
    gate.connectChannel(0, {
      onBuffer: (listener) => producer.onBuffer(listener),
      sendCredit: (credits, returned) => {
        for (const b of returned) producer.returnBuffer(b as ArrayBuffer);
        if (credits > 0) producer.grant(credits);
      },
      close: () => producer.close(),
    });
    const got = await consumeAll(gate);
    producer.close();
    return got.filter((r) => r.kind === 'record').map((r) => (r.kind === 'record' ? r.value : undefined));
  }

  const request = (requestId: number, partitionKey: string) =>
    broker.requestFromSlot(consumer, { type: 'request-partition', requestId, partitionKey, subpartition: 0, attemptId: 'consumer-1' });

  it('parks a request while the producer runs, past the request timeout, and serves the file once it finished', async () => {
    broker.partitionRegistered(producerSlot, { type: 'partition-registered', partitionKey: 'p@1', jobId: 'job', attemptId: '1', blocking: true });
    request(1, 'p@1');
    clock.advance(5_000);
    expect(consumer.posted).toEqual([]);
    broker.partitionFinished({ type: 'partition-finished', partitionKey: 'p@1', files: writeFinished('p@1', ['a', 'b', 'c']) });
    expect(await readChannel(await consumer.channelPort(1))).toEqual(['a', 'b', 'c']);
  });

  it('serves a finished partition again to a restarted consumer, and to another TaskManager', async () => {
    broker.partitionRegistered(producerSlot, { type: 'partition-registered', partitionKey: 'p@1', jobId: 'job', attemptId: '1', blocking: true });
    broker.partitionFinished({ type: 'partition-finished', partitionKey: 'p@1', files: writeFinished('p@1', ['x', 'y']) });
    request(1, 'p@1');
    expect(await readChannel(await consumer.channelPort(1))).toEqual(['x', 'y']);
    request(2, 'p@1');
    expect(await readChannel(await consumer.channelPort(2))).toEqual(['x', 'y']);
    expect(await readServed(await broker.requestPartition('p@1', 0))).toEqual(['x', 'y']);
  });

  it('keeps a finished partition when its slot is freed, and deletes its files with the job', async () => {
    broker.partitionRegistered(producerSlot, { type: 'partition-registered', partitionKey: 'p@1', jobId: 'job', attemptId: '1', blocking: true });
    const files = writeFinished('p@1', ['x']);
    broker.partitionFinished({ type: 'partition-finished', partitionKey: 'p@1', files });
    broker.forgetSlot(producerSlot, 'job');
    request(1, 'p@1');
    expect(await readChannel(await consumer.channelPort(1))).toEqual(['x']);
    broker.releaseJob('job', [dir()]);
    expect(files.some((f) => existsSync(f))).toBe(false);
    request(2, 'p@1');
    clock.advance(1_000);
    const reply = consumer.posted.find((m) => m.type === 'connect-failed');
    expect(reply?.type === 'connect-failed' && reply.error.code).toBe(new PartitionNotFoundError('p@1', 1000).code);
  });

  it('fails a consumer waiting for a partition that is released (its producer restarts)', () => {
    broker.partitionRegistered(producerSlot, { type: 'partition-registered', partitionKey: 'p@1', jobId: 'job', attemptId: '1', blocking: true });
    request(1, 'p@1');
    expect(broker.release('p@1')).toBe(producerSlot);
    expect(consumer.posted).toEqual([{ type: 'connect-failed', requestId: 1, error: expect.objectContaining({ code: new PartitionReleasedError('p@1').code }) }]);
  });

  it('deletes the files of a partition that finished after it was released', () => {
    const files = writeFinished('p@1', ['x']);
    broker.partitionFinished({ type: 'partition-finished', partitionKey: 'p@1', files });
    expect(files.some((f) => existsSync(f))).toBe(false);
  });

  it('fails the consuming task when the file cannot be read', async () => {
    broker.partitionRegistered(producerSlot, { type: 'partition-registered', partitionKey: 'p@1', jobId: 'job', attemptId: '1', blocking: true });
    broker.partitionFinished({ type: 'partition-finished', partitionKey: 'p@1', files: [`${dir()}/gone.part`] });
    request(1, 'p@1');
    await waitUntil(() => consumer.posted.length > 0, 'the reply to the request', 10_000);
    expect(consumer.posted).toEqual([{ type: 'connect-failed', requestId: 1, error: expect.objectContaining({ code: 'BLOCKING_PARTITION_IO' }) }]);
  });
});
