import { existsSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { NO_TIMESTAMP } from '@flott/core';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { BlockingPartitionIoError, BlockingResultPartition, FileSubpartitionReader } from './blocking-partition';
import { InputGate } from './input-gate';
import { defaultNetworkConfig, type NetworkConfig } from './network-config';
import { consumerEndpointFromPort, createLocalChannel, producerEndpointFromPort } from './transport';
import { consumeAll, type Received } from './testing-fixtures/network-harness';
import { sampleRecords } from './testing-fixtures/sample-records';

const EOP: Received = { kind: 'event', event: { kind: 'end-of-partition' }, channel: 0 };

describe('BlockingResultPartition and FileSubpartitionReader', () => {
  const dir = useTemporaryDirectory('flott-blocking-');

  function write(config: NetworkConfig, records: ReturnType<typeof sampleRecords>, numSubpartitions = 2): BlockingResultPartition<unknown> {
    const partition = new BlockingResultPartition<unknown>({ partitionId: 'ds1_0@att1', numSubpartitions, config, serializer: msgpackSerializer(), directory: dir() });
    records.forEach((r, i) => partition.emit(r.value, r.timestamp, i % numSubpartitions));
    partition.finish();
    return partition;
  }

  async function read(config: NetworkConfig, file: string, overPort = false): Promise<Received[]> {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    const errors: Error[] = [];
    if (overPort) {
      const { port1, port2 } = new MessageChannel();
      await FileSubpartitionReader.start(file, producerEndpointFromPort(port1), config.segmentSize, (e) => errors.push(e));
      gate.connectChannel(0, consumerEndpointFromPort(port2));
    } else {
      const { producer, consumer } = createLocalChannel();
      await FileSubpartitionReader.start(file, producer, config.segmentSize, (e) => errors.push(e));
      gate.connectChannel(0, consumer);
    }
    const got = await consumeAll(gate);
    expect(errors).toEqual([]);
    return got;
  }

  it.each([
    ['32 KiB segments', 32 * 1024, false],
    ['256 byte segments: records span buffers', 256, false],
    ['32 KiB segments, read over a MessagePort as for another slot', 32 * 1024, true],
  ])('a consumer reads every record of its subpartition from the file, in order, after the producer finished (%s)', async (_name, segmentSize, overPort) => {
    const config = defaultNetworkConfig({ segmentSize, maxOverdraftBuffers: 500 });
    const records = sampleRecords(3000);
    const partition = write(config, records);
    for (let s = 0; s < 2; s++) {
      const expected = records.filter((_, i) => i % 2 === s).map((r) => ({ kind: 'record', value: r.value, timestamp: r.timestamp, channel: 0 }));
      expect(await read(config, partition.files[s], overPort)).toEqual([...expected, EOP]);
    }
  });

  it('keeps memory at the buffer being written: the file is the queue, never the heap', () => {
    const config = defaultNetworkConfig({ segmentSize: 1024 });
    const partition = write(config, sampleRecords(2000).filter((r) => typeof r.value !== 'string' || r.value.length < 500), 1);
    expect(statSync(partition.files[0]).size).toBeGreaterThan(20 * 1024);
    expect(partition.stats().maxBuffersAllocated).toBeLessThanOrEqual(2);
  });

  it('serves a finished file as often as asked: a restarted consumer reads it all again', async () => {
    const config = defaultNetworkConfig();
    const records = sampleRecords(500);
    const partition = write(config, records, 1);
    const first = await read(config, partition.files[0]);
    expect(await read(config, partition.files[0])).toEqual(first);
    expect(first).toHaveLength(501);
  });

  it('deletes the files of a partition released before it finished, and keeps those of a finished one', () => {
    const config = defaultNetworkConfig();
    const unfinished = new BlockingResultPartition<unknown>({ partitionId: 'ds2_0@att2', numSubpartitions: 2, config, serializer: msgpackSerializer(), directory: dir() });
    unfinished.emit('x', NO_TIMESTAMP, 0);
    unfinished.release();
    expect(unfinished.files.some((f) => existsSync(f))).toBe(false);
    const finished = write(config, sampleRecords(10));
    finished.release();
    expect(finished.files.every((f) => existsSync(f))).toBe(true);
    expect(readdirSync(dir()).sort()).toEqual(['ds1_0_att1.0.part', 'ds1_0_att1.1.part']);
  });

  it('fails a reader whose file is truncated with a typed error naming the file, and closes the channel', async () => {
    const config = defaultNetworkConfig();
    const partition = write(config, sampleRecords(2000), 1);
    const file = partition.files[0];
    truncateSync(file, statSync(file).size - 10);
    const { producer, consumer } = createLocalChannel();
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    const failed = new Promise<Error>((resolve) => {
      void FileSubpartitionReader.start(file, producer, config.segmentSize, resolve).then(() => gate.connectChannel(0, consumer));
    });
    const error = await failed;
    expect(error).toBeInstanceOf(BlockingPartitionIoError);
    expect(error.message).toContain(file);
  });

  it('cannot open a file that is gone: a typed error', async () => {
    const { producer } = createLocalChannel();
    await expect(FileSubpartitionReader.start(`${dir()}/missing.part`, producer, 1024, () => undefined)).rejects.toThrow(BlockingPartitionIoError);
  });

  it('reports a directory it cannot write as a typed error naming the path', () => {
    expect(() => new BlockingResultPartition<unknown>({
      partitionId: 'p', numSubpartitions: 1, config: defaultNetworkConfig(), serializer: msgpackSerializer(), directory: `${dir()}/no/such/dir`,
    })).toThrow(/Cannot create the file of a BLOCKING result partition at .*no\/such\/dir/);
  });
});
