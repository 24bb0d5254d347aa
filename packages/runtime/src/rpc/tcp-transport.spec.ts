import * as net from 'node:net';
import { ManualClock, SystemScheduler } from '../time/clock';
import { RpcConnectionError, RpcFrameTooLargeError, RpcOutboundQueueFullError } from './rpc-errors';
import { TcpRpcService, formatTcpPeer, parseTcpPeer } from './tcp-transport';
import { settleUntil } from '../testing/settle';
import { TEST_TCP_OPTIONS as BASE, useTcpRpcServices } from './testing-fixtures/tcp-services';

interface EchoGateway {
  echo<T>(value: T): Promise<T>;
  /** Resolves `value` after the test releases it: replies come back in another order than the calls. */
  later(value: number): Promise<number>;
  hang(): Promise<void>;
  bytes(n: number): Promise<Uint8Array>;
}

function echoEndpoint(releases: Array<() => void> = []): EchoGateway {
  return {
    echo: async (v) => v,
    later: (v) => new Promise<number>((resolve) => releases.push(() => resolve(v))),
    hang: () => new Promise<void>(() => undefined),
    bytes: async (n) => new Uint8Array(n),
  };
}

describe('TcpRpcService', () => {
  const start = useTcpRpcServices();

  it('listens on a free port and names endpoints flott.tcp://host:port/<name>', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.register('dispatcher', echoEndpoint())).toBe(`flott.tcp://127.0.0.1:${server.port}/dispatcher`);
    expect(parseTcpPeer(formatTcpPeer('::1', 6123))).toEqual({ host: '::1', port: 6123 });
    expect(formatTcpPeer('::1', 6123)).toBe('flott.tcp://[::1]:6123');
    expect(parseTcpPeer('flott.tcp://jm:0')).toBeUndefined();
    expect(parseTcpPeer('local://x.1')).toBeUndefined();
  });

  it('multiplexes many concurrent calls over one connection, replies matched by id whatever their order', async () => {
    const releases: Array<() => void> = [];
    const server = await start();
    const client = await start();
    const gateway = client.connect<EchoGateway>(server.register('echo', echoEndpoint(releases)));
    const calls = Array.from({ length: 200 }, (_, i) => gateway.later(i));
    await settleUntil(() => releases.length === 200);
    for (const release of [...releases].reverse()) release();
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(client.connectionCounts).toEqual({ inbound: 0, outbound: 1 });
    expect(server.connectionCounts).toEqual({ inbound: 1, outbound: 0 });
  });

  it('fails pending calls at once when the connection is lost, tells the watcher, and connects again on the next call', async () => {
    const server = await start();
    const port = server.port;
    const client = await start();
    const address = server.register('echo', echoEndpoint());
    const gateway = client.connect<EchoGateway>(address);
    expect(await gateway.echo('before')).toBe('before');
    const lost = new Promise<Error>((resolve) => client.watch(address, resolve));
    const pending = [gateway.hang(), gateway.hang()];
    await gateway.echo('arrived');
    await server.close();
    for (const call of pending) await expect(call).rejects.toBeInstanceOf(RpcConnectionError);
    await expect(pending[0]).rejects.toThrow(`RPC connection to flott.tcp://127.0.0.1:${port} failed`);
    expect(await lost).toBeInstanceOf(RpcConnectionError);

    // The peer comes back on the same port: the next call makes a new connection.
    const restarted = await start({ port });
    restarted.register('echo', echoEndpoint());
    expect(await gateway.echo('after')).toBe('after');
    expect(client.connectionCounts.outbound).toBe(1);
  });

  it('refuses a request larger than rpc.framesize before sending it; the connection stays up', async () => {
    const server = await start();
    const client = await start();
    const gateway = client.connect<EchoGateway>(server.register('echo', echoEndpoint()));
    expect(await gateway.echo('warm')).toBe('warm');
    const big = gateway.echo(new Uint8Array(BASE.maxFrameBytes));
    await expect(big).rejects.toBeInstanceOf(RpcFrameTooLargeError);
    await expect(big).rejects.toThrow(/^RPC echo to flott\.tcp:\/\/127\.0\.0\.1:\d+\/echo: the message is \d+ bytes, more than rpc\.framesize \(65536 bytes\)$/);
    expect(await gateway.echo('still up')).toBe('still up');
    expect(server.connectionCounts.inbound).toBe(1);
  });

  it('answers a reply larger than rpc.framesize with RPC_FRAME_TOO_LARGE instead of letting the caller wait', async () => {
    const server = await start();
    const client = await start();
    const gateway = client.connect<EchoGateway>(server.register('echo', echoEndpoint()));
    await expect(gateway.bytes(BASE.maxFrameBytes + 1)).rejects.toMatchObject({ code: 'RPC_FRAME_TOO_LARGE', data: { method: 'bytes', maxBytes: BASE.maxFrameBytes } });
    expect((await gateway.bytes(10)).length).toBe(10);
  });

  it('closes a connection whose peer sends a frame over this side\'s rpc.framesize', async () => {
    const server = await start({ maxFrameBytes: 1024 });
    const client = await start({ maxFrameBytes: 64 * 1024 });
    const gateway = client.connect<EchoGateway>(server.register('echo', echoEndpoint()));
    expect(await gateway.echo('small')).toBe('small');
    const big = gateway.echo('x'.repeat(4096));
    await expect(big).rejects.toBeInstanceOf(RpcConnectionError);
    await expect(big).rejects.toThrow('the connection was closed');
    expect(await gateway.echo('reconnected')).toBe('reconnected');
  });

  it('bounds the bytes queued for a peer while the connection is being made', async () => {
    const server = await start();
    const client = await start({ maxFrameBytes: 1024, maxQueuedBytes: 2048 });
    const gateway = client.connect<EchoGateway>(server.register('echo', echoEndpoint()));
    const payload = 'y'.repeat(900);
    const calls = [gateway.echo(payload), gateway.echo(payload), gateway.echo(payload)];
    await expect(calls[2]).rejects.toBeInstanceOf(RpcOutboundQueueFullError);
    await expect(calls[2]).rejects.toThrow(/bytes wait to be sent, the bound is 2048 \(rpc.outbound-queue.max-bytes\)$/);
    expect(await Promise.all(calls.slice(0, 2))).toEqual([payload, payload]);
  });

  it('gives up a connection that is not authenticated within rpc.connect-timeout', async () => {
    // A TCP server that accepts and never speaks: no hello ever arrives.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    const clock = new ManualClock();
    const client = await start({ scheduler: clock, connectTimeoutMs: 3000 });
    const call = client.connect<EchoGateway>(`${formatTcpPeer('127.0.0.1', (silent.address() as net.AddressInfo).port)}/echo`).echo(1);
    await accepted;
    clock.advance(3000);
    await expect(call).rejects.toBeInstanceOf(RpcConnectionError);
    await expect(call).rejects.toThrow('not connected and authenticated within 3000 ms (rpc.connect-timeout)');
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails a call to a port nobody listens on with RpcConnectionError naming the address', async () => {
    const probe = await start();
    const port = probe.port;
    await probe.close();
    const client = await start({ scheduler: new SystemScheduler() });
    const call = client.connect<EchoGateway>(`flott.tcp://127.0.0.1:${port}/echo`).echo(1);
    await expect(call).rejects.toThrow(`RPC connection to flott.tcp://127.0.0.1:${port} failed: ECONNREFUSED`);
  });

  it('refuses a configuration whose outbound queue cannot hold one frame', async () => {
    await expect(TcpRpcService.start({ ...BASE, maxFrameBytes: 4096, maxQueuedBytes: 1024 })).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});

