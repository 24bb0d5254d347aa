import * as net from 'node:net';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { testCertificates } from '../testing/test-certificates';
import { certificateFixture, keyStoreFixture, keyStoreMaterial, OTHER_KEYSTORE } from '../security/testing-fixtures/key-stores';
import type { TcpTlsMaterial } from '../security/tls-material';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { TestingLogger } from '../testing/testing-logger';
import { waitUntil as until } from '../testing/wait-until';
import { SystemScheduler } from '../time/clock';
import { DataClientConnections } from './data-client';
import { DataServer } from './data-server';
import { DirectRemoteChannel } from './direct-remote-channel';
import { encodePartitionRequest } from './data-frames';
import { InputGate } from './input-gate';
import { defaultNetworkConfig } from './network-config';
import { portProducer, type AttachedProducer, type RemotePartitionProvider } from './partition-request-server';
import { ResultPartition } from './result-partition';
import { producerEndpointFromPort } from './transport';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { consumeAll, produceAll } from './testing-fixtures/network-harness';

const config = defaultNetworkConfig({ segmentSize: 4096 });

/** One partition `p` of a producer TaskManager; counts the requests that reached it. */
class OnePartition implements RemotePartitionProvider {
  readonly partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 1, config, serializer: msgpackSerializer() });
  requests = 0;
  /** The ports of the requests served (an open port keeps the test's process alive): closed after each test. */
  readonly ports: MessagePort[] = [];

  async requestPartition(): Promise<AttachedProducer> {
    this.requests++;
    const { port1, port2 } = new MessageChannel();
    this.ports.push(port1, port2);
    this.partition.attachConsumer(0, producerEndpointFromPort(port1));
    return portProducer(port2, () => undefined);
  }
}

describe('authentication of data connections between TaskManagers', () => {
  const scheduler = new SystemScheduler();
  const directory = useTemporaryDirectory('flott-data-auth-');
  const servers: DataServer[] = [];
  const clients: DataClientConnections[] = [];
  const providers: OnePartition[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const m of servers.splice(0)) await m.close();
    for (const p of providers.splice(0)) {
      p.partition.release();
      for (const port of p.ports) port.close();
    }
  });

  /** The data server of a producer (a TaskManager's or a slot thread's). */
  async function server(provider: OnePartition, security: { secret?: string; tls?: TcpTlsMaterial }, logger = new TestingLogger('warn')): Promise<DataServer> {
    const m = await DataServer.start({
      bindHost: '127.0.0.1', port: 0, segmentSize: config.segmentSize, maxChannelsPerConnection: 16, connectTimeoutMs: 5000, scheduler, partitions: provider, logger, ...security,
    });
    servers.push(m);
    providers.push(provider);
    return m;
  }

  /** A consumer slot thread's own connections. */
  function client(security: { secret?: string; tls?: TcpTlsMaterial }): DataClientConnections {
    const c = new DataClientConnections({ segmentSize: config.segmentSize, connectTimeoutMs: 5000, scheduler, ...security });
    clients.push(c);
    return c;
  }

  /** Reads partition `p` of `producer` through `consumer`: its records, or the error the consumer failed with. */
  async function read(consumer: DataClientConnections, producer: DataServer, provider: OnePartition): Promise<unknown[] | Error> {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: msgpackSerializer() });
    const channel = new DirectRemoteChannel();
    let failed: Error | undefined;
    consumer.requestPartition(producer.address, 'p', 0, channel.consumer, (e) => (failed = e));
    gate.connectChannel(0, channel.endpoint);
    const consumed = consumeAll(gate);
    const produced = produceAll(provider.partition, [{ value: 'one', timestamp: 1 }, { value: 'two', timestamp: 2 }]);
    let flowedAll = false;
    const flowed = Promise.all([consumed, produced]).then(([records]) => {
      flowedAll = true;
      return records.filter((r) => r.kind === 'record').map((r) => (r as { value: unknown }).value);
    });
    // Ends when the data flowed too: a poll left running would hold the test process for its whole bound.
    const ended = await until(() => failed ?? flowedAll, 'the consumer to fail or the data to flow', 10_000);
    channel.endpoint.close();
    return ended === true ? await flowed : ended;
  }

  it('with the same secret on both TaskManagers, data flows as without one', async () => {
    const provider = new OnePartition();
    const producer = await server(provider, { secret: 'right' });
    const consumer = client({ secret: 'right' });
    expect(await read(consumer, producer, provider)).toEqual(['one', 'two']);
  });

  it('refuses a TaskManager with another secret: its consumer fails saying so, the producer logs why, no request is served', async () => {
    const provider = new OnePartition();
    const logger = new TestingLogger('warn');
    const producer = await server(provider, { secret: 'right' }, logger);
    const consumer = client({ secret: 'wrong' });
    const outcome = await read(consumer, producer, provider);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/during authentication|authentication failed/);
    await until(() => logger.at('warn', 'Refused a data connection').length === 1, 'the refusal to be logged');
    expect(logger.at('warn', 'Refused a data connection')[0].msg).toContain('wrong shared secret (security.internal.secret)');
    expect(provider.requests).toBe(0);
  });

  it('refuses a peer that sends frames without the handshake (a raw PartitionRequest), logged, and serves it nothing', async () => {
    const provider = new OnePartition();
    const logger = new TestingLogger('warn');
    const producer = await server(provider, { secret: 'right' }, logger);
    const [host, port] = producer.address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    // Read (and drop) the server's hello, so the socket reaches its end and closes.
    socket.resume();
    // Five requests (90 bytes): more than the 64 the server reads as the client's nonce and proof.
    socket.write(Buffer.concat([1, 2, 3, 4, 5].map((receiver) => encodePartitionRequest(receiver, 'p', 0, 4))));
    await closed;
    expect(logger.at('warn', 'Refused a data connection')).toHaveLength(1);
    expect(provider.requests).toBe(0);
  });

  describe('with mutual TLS (security.ssl.internal.*)', () => {
    it('carries the data between TaskManagers whose certificates the other trusts', async () => {
      const { trusted } = testCertificates(directory());
      const provider = new OnePartition();
      const producer = await server(provider, { tls: trusted, secret: 'both' });
      const consumer = client({ tls: trusted, secret: 'both' });
      expect(await read(consumer, producer, provider)).toEqual(['one', 'two']);
    });

    it('refuses a TaskManager whose certificate it does not trust, logged with the reason', async () => {
      const { trusted, untrusted } = testCertificates(directory());
      const provider = new OnePartition();
      const logger = new TestingLogger('warn');
      const producer = await server(provider, { tls: trusted }, logger);
      const consumer = client({ tls: untrusted });
      const outcome = await read(consumer, producer, provider);
      expect(outcome).toBeInstanceOf(Error);
      await until(() => logger.at('warn', 'Refused a data connection').length >= 1, 'the refusal to be logged');
      expect(logger.at('warn', 'Refused a data connection')[0].msg).toMatch(/certificate/);
      expect(provider.requests).toBe(0);
    });

    it.each([
      ['PKCS12', {}],
      ['JKS', { 'security.ssl.internal.keystore': keyStoreFixture('node.jks'), 'security.ssl.internal.key-password': 'key-pass', 'security.ssl.internal.truststore': keyStoreFixture('truststore.jks') }],
    ])('carries the data between TaskManagers configured with %s key and trust stores', async (_format, stores) => {
      const provider = new OnePartition();
      const producer = await server(provider, { tls: await keyStoreMaterial(stores) });
      const consumer = client({ tls: await keyStoreMaterial(stores) });
      expect(await read(consumer, producer, provider)).toEqual(['one', 'two']);
    });

    it('refuses a TaskManager whose trusted certificate is not pinned (security.ssl.internal.cert.fingerprint), logged with the reason', async () => {
      const pin = { 'security.ssl.internal.cert.fingerprint': certificateFixture('node.crt').fingerprint256 };
      const provider = new OnePartition();
      const logger = new TestingLogger('warn');
      const producer = await server(provider, { tls: await keyStoreMaterial(pin) }, logger);
      const consumer = client({ tls: await keyStoreMaterial(OTHER_KEYSTORE) });
      expect(await read(consumer, producer, provider)).toBeInstanceOf(Error);
      await until(() => logger.at('warn', 'Refused a data connection').length === 1, 'the refusal to be logged');
      expect(logger.at('warn', 'Refused a data connection')[0].fields.reason).toMatch(/^client certificate is not pinned by security.ssl.internal.cert.fingerprint \(.*; subject flott-other\)$/);
      expect(provider.requests).toBe(0);
    });
  });
});
