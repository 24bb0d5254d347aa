import { Configuration } from '@flott/core';
import { join } from 'node:path';
import { TestingLogger } from '../testing/testing-logger';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { RpcAuthenticationError } from './rpc-errors';
import { startTcpRpcService, tcpRpcServiceOptions } from './tcp-rpc-configuration';
import type { TcpRpcService, TcpRpcServiceOptions } from './tcp-transport';
import type { TcpTlsMaterial } from '../security/tls-material';
import { settleUntil } from '../testing/settle';
import { useTcpRpcServices } from './testing-fixtures/tcp-services';
import { testCertificates } from '../testing/test-certificates';
import { certificateFixture, keyStoreConfiguration, keyStoreFixture, OTHER_KEYSTORE, ROGUE_KEYSTORE } from '../security/testing-fixtures/key-stores';

interface EchoGateway {
  echo(value: string): Promise<string>;
}

const start = useTcpRpcServices();
const started: TcpRpcService[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

/** A served echo endpoint and its address. */
async function echoServer(options: Partial<TcpRpcServiceOptions>): Promise<{ address: string; log: TestingLogger }> {
  const log = new TestingLogger('warn');
  const server = await start({ ...options, logger: log });
  return { address: server.register('echo', { echo: async (v: string) => v }), log };
}

async function call(client: TcpRpcService, address: string): Promise<string> {
  return client.connect<EchoGateway>(address).echo('hello');
}

/** The refusals a server logged, as their reasons. */
function refusals(log: TestingLogger): unknown[] {
  return log.at('warn', 'Refused an RPC connection').map((r) => r.fields.reason);
}

describe('shared secret (security.internal.secret)', () => {
  it('accepts a peer with the same secret', async () => {
    const { address, log } = await echoServer({ secret: 's3cret' });
    expect(await call(await start({ secret: 's3cret' }), address)).toBe('hello');
    expect(refusals(log)).toEqual([]);
  });

  it('refuses a peer with another secret, logs why, and the caller gets RpcAuthenticationError', async () => {
    const { address, log } = await echoServer({ secret: 's3cret' });
    const refused = call(await start({ secret: 'guess' }), address);
    await expect(refused).rejects.toBeInstanceOf(RpcAuthenticationError);
    await expect(refused).rejects.toThrow(/was not authenticated: refused by the server: wrong shared secret \(security.internal.secret\)$/);
    await settleUntil(() => refusals(log).length === 1);
    expect(refusals(log)).toEqual(['wrong shared secret (security.internal.secret)']);
  });

  it('refuses a peer without a secret', async () => {
    const { address, log } = await echoServer({ secret: 's3cret' });
    await expect(call(await start({}), address)).rejects.toThrow('refused by the server: the client presented no shared secret');
    await settleUntil(() => refusals(log).length === 1);
  });

  it('does not talk to a server that cannot prove the secret this process holds', async () => {
    const { address } = await echoServer({});
    await expect(call(await start({ secret: 's3cret' }), address)).rejects.toThrow(
      'the server does not authenticate with security.internal.secret, but this process has one',
    );
  });
});

describe('tcpRpcServiceOptions', () => {
  it('reads the rpc.* bounds (Flink\'s pekko.* keys as deprecated aliases) and the secret from configuration', async () => {
    const config = Configuration.fromRecord({
      'rpc.ask-timeout': '7 s',
      'pekko.framesize': '2097152b',
      'pekko.tcp.timeout': '3 s',
      'rpc.outbound-queue.max-bytes': '8 mb',
      'security.internal.secret': 'k',
    });
    expect(await tcpRpcServiceOptions(config, { bindHost: '0.0.0.0', port: 6123, advertisedHost: 'jm.example' })).toEqual({
      bindHost: '0.0.0.0',
      port: 6123,
      advertisedHost: 'jm.example',
      askTimeoutMs: 7000,
      connectTimeoutMs: 3000,
      maxFrameBytes: 2 * 1024 * 1024,
      maxQueuedBytes: 8 * 1024 * 1024,
      secret: 'k',
      tls: undefined,
    });
  });
});

describe('mutual TLS (security.ssl.internal.*)', () => {
  const directory = useTemporaryDirectory('flott-rpc-tls-');

  const certificates = () => testCertificates(directory());

  it('connects peers that present certificates the other trusts, configured from PEM files', async () => {
    const { files } = certificates();
    const config = Configuration.fromRecord({
      'security.ssl.internal.enabled': true,
      'security.ssl.internal.key': files.key,
      'security.ssl.internal.cert': files.cert,
      'security.ssl.internal.trust-certificate': files.trust,
      'security.internal.secret': 'both-at-once',
    });
    const server = await startTcpRpcService(config, { bindHost: '127.0.0.1', port: 0 });
    const client = await startTcpRpcService(config, { bindHost: '127.0.0.1', port: 0 });
    started.push(server, client);
    const address = server.register('echo', { echo: async (v: string) => v });
    expect(await call(client, address)).toBe('hello');
  });

  it('refuses a client without a certificate, logging "no client certificate"', async () => {
    const { trusted } = certificates();
    const { address, log } = await echoServer({ tls: trusted });
    const client = await start({ tls: { trustCertificate: trusted.trustCertificate, verifyHostname: true } });
    const refused = call(client, address);
    await expect(refused).rejects.toBeInstanceOf(RpcAuthenticationError);
    await expect(refused).rejects.toThrow(/was not authenticated: refused by the server: no client certificate/);
    await settleUntil(() => refusals(log).length === 1);
    expect(refusals(log)).toEqual(['no client certificate (security.ssl.internal.keystore or security.ssl.internal.cert)']);
  });

  it('refuses a client whose certificate it does not trust, logging "untrusted client certificate"', async () => {
    const { trusted, untrusted } = certificates();
    const { address, log } = await echoServer({ tls: trusted });
    const refused = call(await start({ tls: untrusted }), address);
    await expect(refused).rejects.toBeInstanceOf(RpcAuthenticationError);
    await expect(refused).rejects.toThrow(/was not authenticated: refused by the server: untrusted client certificate \(DEPTH_ZERO_SELF_SIGNED_CERT; subject rogue\)$/);
    await settleUntil(() => refusals(log).length === 1);
    expect(refusals(log)[0]).toMatch(/^untrusted client certificate/);
  });

  it('does not connect to a server whose certificate it does not trust', async () => {
    const { trusted, untrusted, rogueCertificate } = certificates();
    const { address } = await echoServer({ tls: { ...untrusted, trustCertificate: rogueCertificate } });
    await expect(call(await start({ tls: trusted }), address)).rejects.toBeInstanceOf(RpcAuthenticationError);
  });

  it('names the missing and unreadable PEM files of an incomplete configuration', async () => {
    await expect(tcpRpcServiceOptions(Configuration.fromRecord({ 'security.ssl.internal.enabled': true, 'security.ssl.internal.key': '/x.key' }), { bindHost: '127.0.0.1', port: 0 }))
      .rejects.toThrow('security.ssl.internal.enabled is true, but security.ssl.internal.cert, security.ssl.internal.truststore (or security.ssl.internal.trust-certificate) are not set');
    const missing = join(directory(), 'missing.pem');
    const config = Configuration.fromRecord({
      'security.ssl.internal.enabled': true,
      'security.ssl.internal.key': missing,
      'security.ssl.internal.cert': missing,
      'security.ssl.internal.trust-certificate': missing,
    });
    await expect(tcpRpcServiceOptions(config, { bindHost: '127.0.0.1', port: 0 })).rejects.toThrow(`Cannot read security.ssl.internal.key (${missing}): ENOENT`);
  });
});


describe('mutual TLS from Java keystores (security.ssl.internal.keystore, .truststore, .cert.fingerprint)', () => {
  /** Starts an RPC service configured by keyStoreConfiguration(overrides), logging its warnings to `log`. */
  async function startWith(overrides: Record<string, unknown>, log = new TestingLogger('warn')): Promise<TcpRpcService> {
    const service = await startTcpRpcService(keyStoreConfiguration(overrides), { bindHost: '127.0.0.1', port: 0, logger: log });
    started.push(service);
    return service;
  }

  async function echoAt(overrides: Record<string, unknown>): Promise<{ address: string; log: TestingLogger }> {
    const log = new TestingLogger('warn');
    const server = await startWith(overrides, log);
    return { address: server.register('echo', { echo: async (v: string) => v }), log };
  }

  const JKS = {
    'security.ssl.internal.keystore': keyStoreFixture('node.jks'),
    'security.ssl.internal.keystore-type': 'jks',
    'security.ssl.internal.key-password': 'key-pass',
    'security.ssl.internal.truststore': keyStoreFixture('truststore.jks'),
    'security.ssl.internal.truststore-type': 'jks',
  };
  /** node.crt's SHA-1 fingerprint, in Flink's format (colon-separated hex pairs). */
  const nodePin = () => ({ 'security.ssl.internal.cert.fingerprint': certificateFixture('node.crt').fingerprint });

  it.each([
    ['PKCS12', {}],
    ['JKS', JKS],
  ])('connects peers configured with %s key and trust stores', async (_format, stores) => {
    const { address, log } = await echoAt(stores);
    expect(await call(await startWith(stores), address)).toBe('hello');
    expect(refusals(log)).toEqual([]);
  });

  it("connects peers that use one self-signed keystore as keystore and truststore (Flink's documented setup)", async () => {
    const selfSigned = { ...ROGUE_KEYSTORE, 'security.ssl.internal.truststore': keyStoreFixture('rogue.p12'), 'security.ssl.internal.truststore-password': 'rogue-pass' };
    const { address } = await echoAt(selfSigned);
    expect(await call(await startWith(selfSigned), address)).toBe('hello');
  });

  it('refuses a client whose certificate the truststore does not trust, logging why', async () => {
    const { address, log } = await echoAt({});
    const refused = call(await startWith(ROGUE_KEYSTORE), address);
    await expect(refused).rejects.toBeInstanceOf(RpcAuthenticationError);
    await expect(refused).rejects.toThrow(/refused by the server: untrusted client certificate \(DEPTH_ZERO_SELF_SIGNED_CERT; subject rogue\)$/);
    await settleUntil(() => refusals(log).length === 1);
    expect(refusals(log)).toEqual(['untrusted client certificate (DEPTH_ZERO_SELF_SIGNED_CERT; subject rogue)']);
  });

  it('connects peers presenting the pinned certificate', async () => {
    const { address, log } = await echoAt(nodePin());
    expect(await call(await startWith(nodePin()), address)).toBe('hello');
    expect(refusals(log)).toEqual([]);
  });

  it('refuses a trusted client whose certificate is not pinned, logging why', async () => {
    const { address, log } = await echoAt(nodePin());
    const refused = call(await startWith(OTHER_KEYSTORE), address);
    await expect(refused).rejects.toBeInstanceOf(RpcAuthenticationError);
    await expect(refused).rejects.toThrow(/refused by the server: client certificate is not pinned by security.ssl.internal.cert.fingerprint \(SHA-1 [0-9A-F:]{59}, SHA-256 [0-9A-F:]{95}; subject flott-other\)$/);
    await settleUntil(() => refusals(log).length === 1);
    expect(refusals(log)[0]).toMatch(/^client certificate is not pinned by security.ssl.internal.cert.fingerprint/);
  });

  it('does not talk to a trusted server whose certificate is not pinned', async () => {
    const { address } = await echoAt(OTHER_KEYSTORE);
    const refused = call(await startWith(nodePin()), address);
    await expect(refused).rejects.toBeInstanceOf(RpcAuthenticationError);
    await expect(refused).rejects.toThrow(/TLS: the server's certificate is not pinned by security.ssl.internal.cert.fingerprint \(.*; subject flott-other\)$/);
  });

  it('does not start with a wrong keystore password, naming the key and the file', async () => {
    await expect(startWith({ 'security.ssl.internal.keystore-password': 'wrong' })).rejects.toThrow(
      `Cannot open security.ssl.internal.keystore (${keyStoreFixture('node.p12')}): the password is wrong, or the file was altered: its integrity check (MAC) fails (check security.ssl.internal.keystore-password)`,
    );
  });
});
