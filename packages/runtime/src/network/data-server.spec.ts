import * as net from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { FlottError } from '@flott/core';
import { SystemScheduler } from '../time/clock';
import { waitUntil as until } from '../testing/wait-until';
import { DataClientConnections } from './data-client';
import { DataServer } from './data-server';
import { DirectRemoteChannel } from './direct-remote-channel';
import { CONNECTION_ERROR, encodePartitionRequest, FrameDecoder, maxFrameBytes, type DataFrame } from './data-frames';
import { InputGate } from './input-gate';
import { defaultNetworkConfig } from './network-config';
import { RemoteTransportError } from './network-errors';
import { DirectProducerChannel } from './direct-producer-channel';
import { portProducer, type AttachedProducer, type RemotePartitionProvider } from './partition-request-server';
import { ResultPartition } from './result-partition';
import { BUFFER_PRIORITY, BUFFER_WITHOUT_CREDIT, producerEndpointFromPort, type ConsumerEndpoint, type ProducerEndpoint } from './transport';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { consumeAll, produceAll } from './testing-fixtures/network-harness';
import { sampleRecords } from './testing-fixtures/sample-records';

const config = defaultNetworkConfig({ segmentSize: 4096, maxOverdraftBuffers: 30 });

/**
 * A producer TaskManager's partitions, served from this thread. Each request attaches the producer
 * either over a port, as a TaskManager's data server serves its slots' partitions, or directly, as a
 * slot thread's own data server serves its own (DirectProducerChannel).
 */
class TestProvider implements RemotePartitionProvider {
  readonly partitions = new Map<string, ResultPartition<unknown>>();
  /** Raw producer endpoints by `${key}/${subpartition}` for tests that drive the producer side themselves; `freed` resolves when the server lets go of it. */
  readonly raw = new Map<string, (endpoint: ProducerEndpoint, freed: Promise<void>) => void>();
  readonly producerFailures: Error[] = [];

  constructor(private readonly direct = false) {}

  async requestPartition(partitionKey: string, subpartition: number): Promise<AttachedProducer> {
    const partition = this.partitions.get(partitionKey);
    const raw = this.raw.get(`${partitionKey}/${subpartition}`);
    if (!partition && !raw) throw new FlottError('PARTITION_NOT_FOUND', `Result partition ${partitionKey} did not appear`, { partitionKey });
    const { endpoint, attached, freed } = this.attachment();
    if (partition) partition.attachConsumer(subpartition, endpoint);
    else raw!(endpoint, freed);
    return attached;
  }

  private attachment(): { endpoint: ProducerEndpoint; attached: AttachedProducer; freed: Promise<void> } {
    const fail = (e: Error) => void this.producerFailures.push(e);
    if (!this.direct) {
      const { port1, port2 } = new MessageChannel();
      const freed = new Promise<void>((resolve) => port1.once('close', () => resolve()));
      return { endpoint: producerEndpointFromPort(port1), attached: portProducer(port2, fail), freed };
    }
    const channel = new DirectProducerChannel(fail);
    let release!: () => void;
    const freed = new Promise<void>((resolve) => (release = resolve));
    // Observes the server side's close, which is all that frees a direct producer.
    const attached: AttachedProducer = { ...channel.producer, close: () => {
      channel.producer.close();
      release();
    } };
    return { endpoint: channel.endpoint, attached, freed };
  }
}

// Consumers connect from their own slot thread (DataClientConnections, DirectRemoteChannel); producers are
// served by their TaskManager's server (over a port) or by their own slot thread's (DirectProducerChannel).
describe.each([
  { producers: 'served by their TaskManager' },
  { producers: 'served by their own slot thread' },
])('DataServer and DataClientConnections over loopback TCP, producers $producers', ({ producers }) => {
  const directProducers = producers === 'served by their own slot thread';
  const scheduler = new SystemScheduler();
  let provider: TestProvider;
  let producerTm: DataServer;
  let ownConnections: DataClientConnections;
  const opts = { bindHost: '127.0.0.1', port: 0, segmentSize: config.segmentSize, maxChannelsPerConnection: 16, connectTimeoutMs: 5000, scheduler };

  beforeEach(async () => {
    provider = new TestProvider(directProducers);
    producerTm = await DataServer.start({ ...opts, partitions: provider });
    ownConnections = new DataClientConnections(opts);
  });
  afterEach(async () => {
    ownConnections.close();
    await producerTm.close();
  });

  /** A consumer endpoint whose channel runs over the consumer slot's connection to the data server at `address`. */
  function consumerOf(address: string, partitionKey: string, subpartition: number, failures: Error[] = []): ConsumerEndpoint {
    const channel = new DirectRemoteChannel();
    ownConnections.requestPartition(address, partitionKey, subpartition, channel.consumer, (e) => failures.push(e));
    return channel.endpoint;
  }

  function remoteConsumer(partitionKey: string, subpartition: number, failures: Error[] = []): ConsumerEndpoint {
    return consumerOf(producerTm.address, partitionKey, subpartition, failures);
  }

  /** Connections the consumer side holds open. */
  const outgoing = (): number => ownConnections.count;

  let pings = 0;
  /** Sends one buffer over a new channel of the same connection and waits for it. */
  async function pingOverTheConnection(): Promise<void> {
    const key = `ping@${++pings}`;
    provider.raw.set(`${key}/0`, (endpoint) => endpoint.onCredit((c) => c > 0 && endpoint.sendBuffer(new ArrayBuffer(8), 8)));
    const consumer = remoteConsumer(key, 0);
    await new Promise<void>((resolve) => {
      consumer.onBuffer(() => resolve());
      consumer.sendCredit(1, []);
    });
    consumer.close();
    expect(outgoing()).toBe(1);
  }

  function partition(key: string, numSubpartitions = 1): ResultPartition<unknown> {
    const p = new ResultPartition<unknown>({ partitionId: key, numSubpartitions, config, serializer: msgpackSerializer() });
    provider.partitions.set(key, p);
    return p;
  }

  it('delivers records in order, across buffers, from a partition to a gate', async () => {
    const p = partition('p@1');
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    gate.connectChannel(0, remoteConsumer('p@1', 0));
    const records = sampleRecords(3000);
    const [got] = await Promise.all([consumeAll(gate), produceAll(p, records)]);
    expect(got).toEqual([
      ...records.map((r) => ({ kind: 'record', value: r.value, timestamp: r.timestamp, channel: 0 })),
      { kind: 'event', event: { kind: 'end-of-partition' }, channel: 0 },
    ]);
    // Every buffer came back to the producer once the consumer took it.
    await until(() => p.stats().perSubpartition[0].inFlightBuffers === 0, 'the buffers to return');
    expect(producerTm.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('sends no more than the consumer granted: a consumer that returns no credit receives its initial credit only', async () => {
    const p = partition('p@2');
    const received: number[] = [];
    const consumer = remoteConsumer('p@2', 0);
    consumer.onBuffer((_b, length) => received.push(length));
    consumer.sendCredit(3, []);
    let i = 0;
    while (p.isAvailable()) p.emit(`record ${i++} ${'y'.repeat(500)}`, 0, 0);
    p.flushAll();
    await until(() => received.length === 3, 'the 3 credited buffers');
    const sub = () => p.stats().perSubpartition[0];
    // TCP copies: what the producer sent is back with it once written; it holds no credit, the rest stays queued there.
    await until(() => sub().inFlightBuffers === 0, 'the 3 buffers back at the producer');
    expect(sub().credits).toBe(0);
    expect(sub().queuedBuffers).toBeGreaterThanOrEqual(config.maxBuffersPerChannel - 3);
    // A round trip on the same connection after that: nothing more arrived on the first channel.
    await pingOverTheConnection();
    expect(received).toHaveLength(3);
    expect(received.every((n) => n <= config.segmentSize)).toBe(true);
    // One more credit, exactly one more buffer.
    consumer.sendCredit(1, []);
    await until(() => received.length === 4, 'the 4th buffer');
    await until(() => sub().inFlightBuffers === 0, 'the 4th buffer back at the producer');
    await pingOverTheConnection();
    expect(received).toHaveLength(4);
    expect(sub().credits).toBe(0);
    consumer.close();
  });

  it('returns each written buffer to the producer without credit, and carries PRIORITY and WITHOUT_CREDIT unchanged', async () => {
    const credits: Array<[number, number[]]> = [];
    let producer!: ProducerEndpoint;
    provider.raw.set('raw@1/0', (endpoint) => {
      producer = endpoint;
      endpoint.onCredit((c, returned) => credits.push([c, returned.map((b) => (b as ArrayBuffer).byteLength)]));
    });
    const got: Array<[number[], number]> = [];
    const consumer = remoteConsumer('raw@1', 0);
    consumer.onBuffer((b, length, flags) => got.push([[...new Uint8Array(b as ArrayBuffer, 0, length)], flags]));
    consumer.sendCredit(2, []);
    await until(() => credits.length === 1, 'the initial credit');
    expect(credits).toEqual([[2, []]]);
    const send = (bytes: number[], flags: number) => {
      const b = new ArrayBuffer(64);
      new Uint8Array(b).set(bytes);
      producer.sendBuffer(b, bytes.length, flags);
    };
    send([1, 2, 3], 0);
    send([4], BUFFER_WITHOUT_CREDIT);
    send([5, 6], BUFFER_WITHOUT_CREDIT | BUFFER_PRIORITY);
    await until(() => got.length === 3, 'three buffers');
    expect(got).toEqual([[[1, 2, 3], 0], [[4], BUFFER_WITHOUT_CREDIT], [[5, 6], BUFFER_WITHOUT_CREDIT | BUFFER_PRIORITY]]);
    // Back one by one over a port, in one batch from a direct producer's channel: three buffers, no credit.
    await until(() => credits.flatMap(([, returned]) => returned).length === 3, 'the three buffers back');
    expect(credits.slice(1).every(([c]) => c === 0)).toBe(true);
    expect(credits.slice(1).flatMap(([, returned]) => returned)).toEqual([64, 64, 64]);
    expect(credits).toHaveLength(directProducers ? 2 : 4);
    consumer.close();
  });

  it('multiplexes many channels on one connection from a consumer slot to a data server', async () => {
    const n = 8;
    const partitions = Array.from({ length: n }, (_, i) => partition(`m@${i}`, 2));
    const gates = Array.from({ length: 2 }, (_, g) => {
      const gate = new InputGate({ gateIndex: g, numChannels: n, config, serializer: msgpackSerializer() });
      for (let i = 0; i < n; i++) gate.connectChannel(i, remoteConsumer(`m@${i}`, g));
      return gate;
    });
    const producing = partitions.map((p, i) =>
      produceAll(p, Array.from({ length: 400 }, (_, k) => ({ value: { from: i, k, pad: 'z'.repeat(k % 7 === 0 ? 3000 : 10) }, timestamp: k, subpartition: k % 2 }))),
    );
    const [a, b] = await Promise.all([consumeAll(gates[0]), consumeAll(gates[1]), ...producing]);
    for (const [g, got] of [a, b].entries()) {
      for (let i = 0; i < n; i++) {
        const fromI = got.filter((r) => r.kind === 'record' && r.channel === i).map((r) => (r as { value: { k: number } }).value.k);
        expect(fromI).toEqual(Array.from({ length: 200 }, (_, j) => 2 * j + g));
      }
    }
    expect([outgoing(), producerTm.connectionCount]).toEqual([1, 1]);
  });

  it('fails the consumer with the producer side\'s error when the partition is not there', async () => {
    const failures: Error[] = [];
    remoteConsumer('missing@1', 0, failures).sendCredit(2, []);
    await until(() => failures.length === 1, 'the failure');
    expect(FlottError.isFlottError(failures[0]) && failures[0].code).toBe('PARTITION_NOT_FOUND');
    expect(failures[0].message).toBe('Result partition missing@1 did not appear');
  });

  it('frees the producer side when the consumer closes its channel', async () => {
    let freed: Promise<void> | undefined;
    provider.raw.set('raw@2/0', (endpoint, whenFreed) => {
      endpoint.onCredit(() => undefined); // a port takes messages (and its close) only once it listens
      freed = whenFreed;
    });
    const consumer = remoteConsumer('raw@2', 0);
    consumer.sendCredit(1, []);
    await until(() => freed !== undefined, 'the producer to attach');
    consumer.close();
    await freed;
    expect(provider.producerFailures).toEqual([]);
  });

  it('closing the consumer side in order (CloseRequest) frees the producer side without failing the producer', async () => {
    let freed: Promise<void> | undefined;
    provider.raw.set('raw@3/0', (endpoint, whenFreed) => {
      endpoint.onCredit(() => undefined);
      freed = whenFreed;
    });
    const failures: Error[] = [];
    remoteConsumer('raw@3', 0, failures).sendCredit(1, []);
    await until(() => freed !== undefined, 'the producer to attach');
    // As a slot thread shutting down closes its own connections.
    ownConnections.close();
    await freed;
    await until(() => producerTm.connectionCount === 0, 'the connection to end');
    expect(provider.producerFailures).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('fails every consumer on a connection the producer TaskManager drops, naming its address', async () => {
    const failures: Error[] = [];
    partition('x@1');
    partition('x@2');
    remoteConsumer('x@1', 0, failures).sendCredit(1, []);
    remoteConsumer('x@2', 0, failures).sendCredit(1, []);
    await until(() => producerTm.connectionCount === 1, 'the connection');
    await producerTm.close();
    await until(() => failures.length === 2, 'both consumers to fail');
    for (const f of failures) {
      expect(f).toBeInstanceOf(RemoteTransportError);
      expect(f.message).toBe(`Data connection to TaskManager ${producerTm.address}: the peer reported: TaskManager data server ${producerTm.address} shut down`);
    }
  });

  it('fails the consumer when the producer TaskManager cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const failures: Error[] = [];
    consumerOf(`127.0.0.1:${closedPort}`, 'p@9', 0, failures).sendCredit(1, []);
    await until(() => failures.length === 1, 'the failure');
    expect(failures[0]).toBeInstanceOf(RemoteTransportError);
    expect(failures[0].message).toMatch(new RegExp(`^Data connection to TaskManager 127\\.0\\.0\\.1:${closedPort}: lost \\(connect ECONNREFUSED`));
  });

  it('answers a frame beyond the size bound with an ErrorResponse for the connection, and closes it', async () => {
    const [host, port] = producerTm.address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    const frames: DataFrame[] = [];
    const decoder = new FrameDecoder(maxFrameBytes(config.segmentSize));
    socket.on('data', (chunk: Buffer) => decoder.push(chunk, (f) => frames.push(f)));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const header = Buffer.alloc(5);
    header.writeUInt32BE(10 * 1024 * 1024, 0);
    header.writeUInt8(2, 4);
    socket.write(header);
    await closed;
    expect(frames).toEqual([
      { type: 6, receiverId: CONNECTION_ERROR, error: expect.objectContaining({ code: 'CORRUPT_DATA_FRAME', message: `Data frame of ${10 * 1024 * 1024} bytes is outside 1..${maxFrameBytes(config.segmentSize) - 4} bytes` }) },
    ]);
    await until(() => producerTm.connectionCount === 0, 'the server to forget the connection');
  });

  it('refuses channels beyond taskmanager.network.max-channels-per-connection on one connection', async () => {
    // Requests for partitions that are not there yet wait on the producer's side, each holding a channel.
    provider.requestPartition = () => new Promise<AttachedProducer>(() => undefined);
    const [host, port] = producerTm.address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    const frames: DataFrame[] = [];
    const decoder = new FrameDecoder(maxFrameBytes(config.segmentSize));
    socket.on('data', (chunk: Buffer) => decoder.push(chunk, (f) => frames.push(f)));
    for (let id = 1; id <= 17; id++) socket.write(encodePartitionRequest(id, `later@${id}`, 0, 2));
    await until(() => frames.length === 1, 'the refusal');
    expect(frames).toEqual([
      { type: 6, receiverId: 17, error: expect.objectContaining({ code: 'TOO_MANY_CHANNELS', message: 'The data connection already carries 16 channels (taskmanager.network.max-channels-per-connection)' }) },
    ]);
    socket.destroy();
  });

  it('refuses to start on a data port in use, naming the address and the options', async () => {
    const port = Number(producerTm.address.split(':')[1]);
    await expect(DataServer.start({ ...opts, port, partitions: provider })).rejects.toMatchObject({
      code: 'DATA_SERVER_UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`^The TaskManager's data server cannot listen on 127\\.0\\.0\\.1:${port} \\(taskmanager\\.bind-host, taskmanager\\.data\\.port\\): listen EADDRINUSE`)),
    });
  });

  it('fails the producer when a consumer TaskManager\'s connection is lost', async () => {
    let freed: Promise<void> | undefined;
    provider.raw.set('raw@3/0', (endpoint, whenFreed) => {
      endpoint.onCredit(() => undefined);
      freed = whenFreed;
    });
    const [host, port] = producerTm.address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    socket.write(encodePartitionRequest(1, 'raw@3', 0, 2));
    await until(() => freed !== undefined, 'the producer to attach');
    socket.destroy();
    await freed;
    await until(() => provider.producerFailures.length === 1, 'the producer to fail');
    expect(provider.producerFailures[0]).toBeInstanceOf(RemoteTransportError);
    expect(provider.producerFailures[0].message).toMatch(/^Data connection to TaskManager 127\.0\.0\.1:\d+: closed by the consumer side$/);
  });
});
