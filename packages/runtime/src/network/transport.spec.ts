import { MessageChannel, Worker } from 'worker_threads';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { buildSync } from 'esbuild';
import { ResultPartition } from './result-partition';
import { InputGate } from './input-gate';
import { BUFFER_PRIORITY, consumerEndpointFromPort, createLocalChannel, producerEndpointFromPort } from './transport';
import { defaultNetworkConfig } from './network-config';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import type { ChannelBuffer } from './record-segment';
import { consumeAll, produceAll, type Received } from './testing-fixtures/network-harness';
import { sampleRecords } from './testing-fixtures/sample-records';

const EOP: Received = { kind: 'event', event: { kind: 'end-of-partition' }, channel: 0 };

describe('createLocalChannel', () => {
  it('keeps buffers and credits that arrive before the other side listens', () => {
    const { producer, consumer } = createLocalChannel();
    const a = new ArrayBuffer(8);
    const b = new ArrayBuffer(8);
    consumer.sendCredit(2, []);
    consumer.sendCredit(1, [a]);
    producer.sendBuffer(b, 5);
    const credits: Array<[number, ChannelBuffer[]]> = [];
    producer.onCredit((c, r) => credits.push([c, r]));
    expect(credits).toEqual([[3, [a]]]);
    expect(credits[0][1][0]).toBe(a);
    const buffers: Array<[ChannelBuffer, number]> = [];
    consumer.onBuffer((buf, n) => buffers.push([buf, n]));
    expect(buffers).toHaveLength(1);
    expect(buffers[0][0]).toBe(b);
    expect(buffers[0][1]).toBe(5);
    consumer.close();
    producer.sendBuffer(a, 1);
    consumer.sendCredit(1, []);
    expect(buffers).toHaveLength(1);
    expect(credits).toHaveLength(1);
  });
});

describe('MessagePort channel', () => {
  it('transfers buffers both ways and keeps credits and buffers apart', async () => {
    const { port1, port2 } = new MessageChannel();
    const producer = producerEndpointFromPort(port1);
    const consumer = consumerEndpointFromPort(port2);
    const received = new Promise<[ArrayBuffer, number]>((resolve) => consumer.onBuffer((b, n) => resolve([b, n])));
    const credited = new Promise<[number, ArrayBuffer[]]>((resolve) => producer.onCredit((c, r) => resolve([c, r])));
    const buf = new ArrayBuffer(16);
    new Uint8Array(buf).set([1, 2, 3]);
    producer.sendBuffer(buf, 3);
    expect(buf.byteLength).toBe(0); // transferred, not copied
    const [got, n] = await received;
    expect(n).toBe(3);
    expect([...new Uint8Array(got, 0, 3)]).toEqual([1, 2, 3]);
    consumer.sendCredit(4, [got]);
    expect(got.byteLength).toBe(0);
    const [credits, returned] = await credited;
    expect(credits).toBe(4);
    expect(returned.map((r) => r.byteLength)).toEqual([16]);
    producer.close();
    consumer.close();
  });

  it('hands the consumer all buffers that arrived together before its task can run on any of them', async () => {
    // A task woken by the first buffer runs in that delivery's microtasks: delivered one by one, it
    // would process each buffer before the next (and an unaligned barrier behind them) is taken off.
    const { port1, port2 } = new MessageChannel();
    const producer = producerEndpointFromPort(port1);
    const consumer = consumerEndpointFromPort(port2);
    const seen: string[] = [];
    const all = new Promise<void>((resolve) => {
      consumer.onBuffer((_b, n, flags) => {
        seen.push(flags === BUFFER_PRIORITY ? 'priority' : `buffer ${n}`);
        if (seen.length === 1) queueMicrotask(() => seen.push('task runs'));
        if (flags === BUFFER_PRIORITY) setImmediate(resolve);
      });
    });
    for (let n = 1; n <= 5; n++) producer.sendBuffer(new ArrayBuffer(8), n);
    producer.sendBuffer(new ArrayBuffer(8), 8, BUFFER_PRIORITY);
    await all;
    expect(seen).toEqual(['buffer 1', 'buffer 2', 'buffer 3', 'buffer 4', 'buffer 5', 'priority', 'task runs']);
    producer.close();
    consumer.close();
  });

  it('round trips mixed records in order through a MessageChannel', async () => {
    // A 100 KB string needs 25 buffers of 4 KiB while the consumer cannot run: allow that overdraft.
    const config = defaultNetworkConfig({ segmentSize: 4096, maxOverdraftBuffers: 30 });
    const { port1, port2 } = new MessageChannel();
    const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 1, config, serializer: msgpackSerializer() });
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    partition.attachConsumer(0, producerEndpointFromPort(port1));
    gate.connectChannel(0, consumerEndpointFromPort(port2));
    const records = sampleRecords(3000);
    const producing = produceAll(partition, records);
    const [got] = await Promise.all([consumeAll(gate), producing]);
    expect(got).toEqual([...records.map((r) => ({ kind: 'record', value: r.value, timestamp: r.timestamp, channel: 0 })), EOP]);
  });
});

describe('MessagePort channel to a real Worker', () => {
  let workerFile: string;
  beforeAll(() => {
    workerFile = path.join(os.tmpdir(), `flott-network-producer-${process.pid}.js`);
    buildSync({
      entryPoints: [path.join(__dirname, 'testing-fixtures', 'producer-worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: workerFile,
      external: ['msgpackr-extract'],
      logLevel: 'silent',
    });
  });
  afterAll(() => fs.rmSync(workerFile, { force: true }));

  it('receives 20,000 records and watermarks from a producer thread, in order, under back-pressure', async () => {
    // Flink's 8 floating buffers: 10 credits for the one channel, so the producer runs out of credit.
    const config = defaultNetworkConfig({ floatingBuffersPerGate: 8 });
    const { port1, port2 } = new MessageChannel();
    const count = 20_000;
    const worker = new Worker(workerFile, { workerData: { port: port1, count, config }, transferList: [port1] });
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    gate.connectChannel(0, consumerEndpointFromPort(port2));
    const report = new Promise<{ waits: number; maxBuffersAllocated: number; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const got = await consumeAll(gate);
    const { waits, maxBuffersAllocated, error } = await report;
    expect(error).toBeUndefined();

    const records = sampleRecords(count);
    const expected: Received[] = [];
    records.forEach((r, i) => {
      expected.push({ kind: 'record', value: r.value, timestamp: r.timestamp, channel: 0 });
      if (i % 1000 === 999) expected.push({ kind: 'watermark', timestamp: i, channel: 0 });
    });
    expected.push(EOP);
    expect(got.length).toBe(expected.length);
    expect(got).toEqual(expected);
    // ~3.7 MB through 20 buffers of 32 KiB: the producer had to wait for credit.
    expect(waits).toBeGreaterThan(0);
    // The bound: 10 credits in flight + 10 queued + 5 overdraft (100 KB records take 4 buffers) + 1 being written.
    expect(maxBuffersAllocated).toBeGreaterThanOrEqual(20);
    expect(maxBuffersAllocated).toBeLessThanOrEqual(26);
    // end-of-partition closed the channel, so the worker's event loop ends by itself.
    expect(await exited).toBe(0);
  });
});
