import { Configuration } from '@flott/core';
import { join } from 'node:path';
import { TestingLogger } from '../testing/testing-logger';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { RpcAuthenticationError } from './rpc-errors';
import { startTcpRpcService, tcpRpcServiceOptions } from './tcp-rpc-configuration';
import type { TcpRpcService, TcpRpcServiceOptions, TcpTlsMaterial } from './tcp-transport';
import { settleUntil } from '../testing/settle';
import { useTcpRpcServices } from './testing-fixtures/tcp-services';
import { testCertificates } from '../testing/test-certificates';

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
    expect(refusals(log)).toEqual(['no client certificate (security.ssl.internal.cert)']);
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
      .rejects.toThrow('security.ssl.internal.enabled is true, but security.ssl.internal.cert, security.ssl.internal.trust-certificate are not set');
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

