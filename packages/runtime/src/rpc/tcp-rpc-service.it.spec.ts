import { FlottError } from '@flott/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RpcConnectionError } from './rpc-errors';
import { TcpRpcService } from './tcp-transport';

// Across processes: a child Node process (the built package, dist/, as TaskManagers run it; the Nx
// test target builds it first) serves a gateway over TCP; the test calls it, then kills it with
// SIGKILL and expects the connection loss at once, not at a timeout.

const DIST_INDEX = join(__dirname, '..', '..', 'dist', 'index.js');
const SECRET = 'cross-process-secret';

const CHILD = `
const { TcpRpcService, FencingTokenMismatchError } = require(process.env.DIST_INDEX);
const { FlottError } = require('node:module').createRequire(process.env.DIST_INDEX)('@flott/core');
const { isDeepStrictEqual } = require('node:util');
class SlotOfferRejectedError extends FlottError {
  constructor(allocationId, cause) { super('SLOT_OFFER_REJECTED', 'Slot offer ' + allocationId + ' rejected', { allocationId }, { cause }); }
}
const TYPED = () => ({ f64: new Float64Array([1.5, -0]), i32: new Int32Array([-7, 7]), big: 2n ** 70n, at: new Date(5), m: new Map([[1, new Set(['a'])]]) });
(async () => {
  const service = await TcpRpcService.start({
    bindHost: '127.0.0.1', port: 0, askTimeoutMs: 30000, connectTimeoutMs: 5000,
    maxFrameBytes: 1024 * 1024, maxQueuedBytes: 4 * 1024 * 1024, secret: process.env.SECRET,
  });
  let leader = 'session-1';
  const address = service.register('taskmanager-1', {
    echo: async (v) => v,
    hang: () => new Promise(() => {}),
    pid: async () => process.pid,
    offer: async (id) => { throw new SlotOfferRejectedError(id, new Error('no such job')); },
    typed: async () => TYPED(),
    // What Jest's sandbox realm cannot check (frame-codec.spec.ts): the child calls its own echo over
    // TCP in a plain Node realm and compares the result with structuredClone's copy.
    typedRoundTrip: async () => isDeepStrictEqual(await service.connect(address).echo(TYPED()), structuredClone(TYPED())),
  });
  const fenced = service.register('resourcemanager', { whoami: async () => 'rm ' + leader }, { fencingToken: () => leader });
  process.stdout.write(JSON.stringify({ address, fenced }) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface ChildGateway {
  echo<T>(v: T): Promise<T>;
  hang(): Promise<void>;
  pid(): Promise<number>;
  offer(allocationId: string): Promise<void>;
  typed(): Promise<{ f64: Float64Array; i32: Int32Array; big: bigint; at: Date; m: Map<number, Set<string>> }>;
  typedRoundTrip(): Promise<boolean>;
}

describe('TcpRpcService across processes', () => {
  let child: ChildProcess | undefined;
  let client: TcpRpcService | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await client?.close();
  });

  async function startChild(): Promise<{ address: string; fenced: string }> {
    const started = spawn(process.execPath, ['-e', CHILD], { env: { ...process.env, DIST_INDEX, SECRET }, stdio: ['ignore', 'pipe', 'inherit'] });
    child = started;
    const lines = createInterface({ input: started.stdout! });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      started.once('exit', (code) => reject(new Error(`the child exited with ${code} before serving`)));
    });
    return JSON.parse(first) as { address: string; fenced: string };
  }

  it('calls a gateway in another process: values, typed arrays, a typed error with its cause, fencing; SIGKILL fails pending calls at once', async () => {
    const { address, fenced } = await startChild();
    client = await TcpRpcService.start({
      bindHost: '127.0.0.1', port: 0, askTimeoutMs: 30_000, connectTimeoutMs: 5000, maxFrameBytes: 1024 * 1024, maxQueuedBytes: 4 * 1024 * 1024, secret: SECRET,
    });
    const gateway = client.connect<ChildGateway>(address);
    expect(await gateway.pid()).toBe(child!.pid);
    const payload = { jobId: 'j', slots: [{ slotIndex: 0, allocationId: undefined }], bytes: new Uint8Array([1, 2]), m: new Map([['k', 1]]) };
    expect(await gateway.echo(payload)).toStrictEqual(payload);

    const typed = await gateway.typed();
    expect(typed.f64).toBeInstanceOf(Float64Array);
    expect([...typed.f64]).toEqual([1.5, -0]);
    expect([...typed.i32]).toEqual([-7, 7]);
    expect(typed.big).toBe(2n ** 70n);
    expect(typed.at.getTime()).toBe(5);
    expect([...typed.m.get(1)!]).toEqual(['a']);
    expect(await gateway.typedRoundTrip()).toBe(true);

    const error = await gateway.offer('alloc-9').catch((e: unknown) => e);
    expect(FlottError.isFlottError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SLOT_OFFER_REJECTED', name: 'SlotOfferRejectedError', message: 'Slot offer alloc-9 rejected', data: { allocationId: 'alloc-9' } });
    expect((error as Error).stack).toContain('SlotOfferRejectedError');
    expect((error as Error).cause).toMatchObject({ code: 'USER_ERROR', message: 'no such job' });

    expect(await client.connect<{ whoami(): Promise<string> }>(fenced, { fencingToken: 'session-1' }).whoami()).toBe('rm session-1');
    await expect(client.connect<{ whoami(): Promise<string> }>(fenced, { fencingToken: 'session-0' }).whoami()).rejects.toMatchObject({
      code: 'FENCING_TOKEN_MISMATCH',
      message: `Fencing token mismatch at ${fenced}: expected session-1, received session-0`,
    });

    const lost = new Promise<Error>((resolve) => client!.watch(address, resolve));
    const pending = [gateway.hang(), gateway.hang(), gateway.hang()];
    await gateway.echo('the hanging calls arrived');
    const killedAt = performance.now();
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGKILL');
    const results = await Promise.allSettled(pending);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RpcConnectionError);
    expect(await lost).toBeInstanceOf(RpcConnectionError);
    // Far below rpc.ask-timeout (30 s): the closed socket, not a timer, ended the calls.
    expect(performance.now() - killedAt).toBeLessThan(5000);
    // Once the process is gone (all its sockets closed, the listening one too), a new call finds nobody.
    await exited;
    await expect(gateway.echo('anyone?')).rejects.toThrow(`RPC connection to ${address.slice(0, address.lastIndexOf('/'))} failed: ECONNREFUSED`);
  });
});
