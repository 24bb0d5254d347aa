import { TaskManagerLostError } from '../errors';
// The package's entry point registers its error classes, as it does in every process.
import '../index';
import { FlottError } from '@flott/core';
import { ManualClock } from '../time/clock';
import { LocalRpcNetwork, LocalRpcService } from './local-transport';
import {
  FencingTokenMismatchError,
  RpcConnectionError,
  RpcEndpointNotFoundError,
  RpcNoSuchMethodError,
  RpcTimeoutError,
  UnknownFencingTokenError,
} from './rpc-errors';
import type { RpcService } from './rpc-service';
import { TcpRpcService } from './tcp-transport';
import { settleUntil } from '../testing/settle';
import { TEST_TCP_OPTIONS } from './testing-fixtures/tcp-services';
import type { TransportRpcService } from './transport-rpc-service';

/** A toy gateway of a JobManager-side role: no JobMaster or ResourceManager needed. */
interface CounterGateway {
  add(n: number): Promise<number>;
  fail(code: string): Promise<void>;
  hang(): Promise<void>;
  record(note: string): Promise<void>;
}

class QuotaExceededError extends FlottError {
  constructor(limit: number, options?: { cause?: unknown }) {
    super('QUOTA_EXCEEDED', `Counter quota of ${limit} exceeded`, { limit, unit: 'calls' }, options);
  }
}

class Counter implements CounterGateway {
  total = 0;
  readonly notes: string[] = [];
  leaderSessionId: string | undefined;
  async add(n: number): Promise<number> {
    return (this.total += n);
  }
  async fail(code: string): Promise<void> {
    throw new QuotaExceededError(3, { cause: new FlottError(code, 'the inner reason', { depth: 1 }) });
  }
  hang(): Promise<void> {
    return new Promise<void>(() => undefined);
  }
  async record(note: string): Promise<void> {
    this.notes.push(note);
  }
}

/** Two "hosts": the one serving endpoints and the one calling them. */
interface Hosts {
  readonly server: TransportRpcService;
  readonly client: RpcService;
  /** Ends the serving host as a crash would (its process or service gone). */
  readonly crashServer: () => Promise<void>;
}

const transports: Array<[string, (clock: ManualClock, askTimeoutMs: number) => Promise<Hosts>]> = [
  [
    'local network',
    async (clock, askTimeoutMs) => {
      const network = new LocalRpcNetwork();
      const server = new LocalRpcService(askTimeoutMs, clock, network);
      return { server, client: new LocalRpcService(askTimeoutMs, clock, network), crashServer: () => server.close() };
    },
  ],
  [
    'TCP',
    async (clock, askTimeoutMs) => {
      const server = await TcpRpcService.start({ ...TEST_TCP_OPTIONS, askTimeoutMs, scheduler: clock });
      return { server, client: await TcpRpcService.start({ ...TEST_TCP_OPTIONS, askTimeoutMs, scheduler: clock }), crashServer: () => server.close() };
    },
  ],
];

describe.each(transports)('RPC service layer over %s', (_name, makeHosts) => {
  let clock: ManualClock;
  let hosts: Hosts;
  let counter: Counter;

  beforeEach(async () => {
    clock = new ManualClock();
    hosts = await makeHosts(clock, 1000);
    counter = new Counter();
  });

  afterEach(async () => {
    await hosts.client.close();
    await hosts.server.close();
  });

  it('calls an endpoint of another host with copies of the arguments', async () => {
    const address = hosts.server.register('counter', counter);
    const gateway = hosts.client.connect<CounterGateway>(address);
    expect(await Promise.all([gateway.add(2), gateway.add(3)])).toEqual([2, 5]);
    expect(counter.total).toBe(5);
  });

  it('delivers a thrown FlottError with its code, message, data, remote stack and cause', async () => {
    const address = hosts.server.register('counter', counter);
    const error = await hosts.client.connect<CounterGateway>(address).fail('INNER').then(() => undefined, (e: unknown) => e);
    expect(FlottError.isFlottError(error)).toBe(true);
    expect(error).toBeInstanceOf(FlottError);
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', name: 'QuotaExceededError', message: 'Counter quota of 3 exceeded', data: { limit: 3, unit: 'calls' } });
    expect((error as Error).stack).toContain('Counter.fail');
    expect((error as Error).cause).toMatchObject({ code: 'INNER', message: 'the inner reason', data: { depth: 1 } });
  });

  it("delivers a registered error class as itself (a runtime error thrown by an endpoint: TaskManagerLostError)", async () => {
    const address = hosts.server.register('lost', { fail: async () => { throw new TaskManagerLostError('tm-7', 'killed', 'a1', undefined); } });
    const error = await hosts.client.connect<{ fail(): Promise<void> }>(address).fail().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TaskManagerLostError);
    expect(error).toMatchObject({ code: 'TASK_MANAGER_LOST', name: 'TaskManagerLostError', message: expect.stringContaining('tm-7') });
    expect((error as Error).stack).toContain('transport-rpc-service.spec');
  });

  it('fails calls to unknown endpoints and methods with typed errors', async () => {
    const address = hosts.server.register('counter', counter);
    const missing = hosts.client.connect<CounterGateway>(`${hosts.server.baseAddress}/nobody`).add(1);
    await expect(missing).rejects.toBeInstanceOf(RpcEndpointNotFoundError);
    await expect(missing).rejects.toThrow(`No RPC endpoint at ${hosts.server.baseAddress}/nobody`);
    const gateway = hosts.client.connect<{ nope(): Promise<void>; hasOwnProperty(): Promise<void> }>(address);
    await expect(gateway.nope()).rejects.toBeInstanceOf(RpcNoSuchMethodError);
    await expect(gateway.hasOwnProperty()).rejects.toThrow(`${address} has no method hasOwnProperty`);
    hosts.server.unregister(address);
    await expect(hosts.client.connect<CounterGateway>(address).add(1)).rejects.toBeInstanceOf(RpcEndpointNotFoundError);
  });

  it('times out a call after rpc.ask-timeout on the injected scheduler, not before', async () => {
    const address = hosts.server.register('counter', counter);
    const gateway = hosts.client.connect<CounterGateway>(address);
    await gateway.add(1); // connected
    let settled = false;
    const call = gateway.hang();
    void call.catch(() => (settled = true));
    clock.advance(999);
    await gateway.add(1); // a round trip later the hanging call is still pending
    expect(settled).toBe(false);
    clock.advance(1);
    await expect(call).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(call).rejects.toThrow(`RPC hang to ${address} timed out after 1000 ms (rpc.ask-timeout)`);
  });

  it('sends one-way messages without waiting for a reply', async () => {
    const address = hosts.server.register('counter', counter);
    const gateway = hosts.client.connect<CounterGateway>(address, { oneWay: ['record'] });
    expect(await gateway.record('first')).toBeUndefined();
    await gateway.record('second');
    await gateway.add(0); // after both: messages to one endpoint arrive in order
    expect(counter.notes).toEqual(['first', 'second']);
  });

  it('fences an endpoint: the matching token passes, another or none is rejected, no token yet means not leader', async () => {
    const address = hosts.server.register('counter', counter, { fencingToken: () => counter.leaderSessionId });
    const asLeader1 = hosts.client.connect<CounterGateway>(address, { fencingToken: 'leader-1' });
    const asLeader2 = hosts.client.connect<CounterGateway>(address, { fencingToken: 'leader-2' });
    const unfencedCaller = hosts.client.connect<CounterGateway>(address);

    const notLeader = asLeader1.add(1);
    await expect(notLeader).rejects.toBeInstanceOf(UnknownFencingTokenError);
    await expect(notLeader).rejects.toMatchObject({ code: 'UNKNOWN_FENCING_TOKEN', data: { address } });

    counter.leaderSessionId = 'leader-1';
    expect(await asLeader1.add(1)).toBe(1);
    const stale = asLeader2.add(10);
    await expect(stale).rejects.toBeInstanceOf(FencingTokenMismatchError);
    await expect(stale).rejects.toThrow(`Fencing token mismatch at ${address}: expected leader-1, received leader-2`);
    await expect(unfencedCaller.add(10)).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH', data: { expected: 'leader-1', received: null } });

    // A new leader session: the old token is now the stale one.
    counter.leaderSessionId = 'leader-2';
    expect(await asLeader2.add(1)).toBe(2);
    await expect(asLeader1.add(1)).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH', data: { expected: 'leader-2', received: 'leader-1' } });
    expect(counter.total).toBe(2);
  });

  it('lets unfenced endpoints accept any token', async () => {
    const address = hosts.server.register('counter', counter);
    expect(await hosts.client.connect<CounterGateway>(address, { fencingToken: 'whatever' }).add(4)).toBe(4);
  });

  it('fails pending calls at once and tells watchers when the serving host goes away', async () => {
    const address = hosts.server.register('counter', counter);
    const gateway = hosts.client.connect<CounterGateway>(address);
    await gateway.add(1);
    const lost: Error[] = [];
    hosts.client.watch(address, (cause) => lost.push(cause));
    const cancelled: Error[] = [];
    hosts.client.watch(address, (cause) => cancelled.push(cause)).cancel();
    const pending = gateway.hang();
    await gateway.add(1); // the hanging call has arrived
    await hosts.crashServer();
    await expect(pending).rejects.toBeInstanceOf(RpcConnectionError); // no clock advance: not a timeout
    await settleUntil(() => lost.length === 1);
    expect(lost[0]).toBeInstanceOf(RpcConnectionError);
    expect(cancelled).toEqual([]);
    await expect(gateway.add(1)).rejects.toBeInstanceOf(RpcConnectionError);
  });

  it('fails its own pending calls when the calling host closes its service', async () => {
    const address = hosts.server.register('counter', counter);
    const gateway = hosts.client.connect<CounterGateway>(address);
    await gateway.add(1);
    const pending = gateway.hang();
    await gateway.add(1);
    await hosts.client.close();
    await expect(pending).rejects.toThrow(/failed: this RPC service is closed$/);
    await expect(gateway.add(1)).rejects.toBeInstanceOf(RpcConnectionError);
  });

  it('tells a watcher of a host that is not there', async () => {
    const address = hosts.server.register('counter', counter);
    await hosts.crashServer();
    const lost = await new Promise<Error>((resolve) => hosts.client.watch(address, resolve));
    expect(lost).toBeInstanceOf(RpcConnectionError);
  });
});

describe('LocalRpcNetwork', () => {
  it('keeps networks apart: a host reaches endpoints on its network, not on another', async () => {
    const networkA = new LocalRpcNetwork({ name: 'a' });
    const a = new LocalRpcService(1000, new ManualClock(), networkA);
    const neighbour = new LocalRpcService(1000, new ManualClock(), networkA);
    const b = new LocalRpcService(1000, new ManualClock(), new LocalRpcNetwork({ name: 'b' }));
    const address = a.register('counter', new Counter());
    expect(address).toMatch(/^local:\/\/a\.\d+\/counter$/);
    expect(await neighbour.connect<CounterGateway>(address).add(1)).toBe(1);
    const call = b.connect<CounterGateway>(address).add(1);
    await expect(call).rejects.toBeInstanceOf(RpcConnectionError);
    await expect(call).rejects.toThrow(`RPC connection to ${a.baseAddress} failed: no such peer on local network b`);
    await Promise.all([a.close(), b.close(), neighbour.close()]);
  });

  it('passes the thrown error object itself only on a network made to (the process default), else a RemoteError', async () => {
    const network = new LocalRpcNetwork();
    const serialising = new LocalRpcService(1000, new ManualClock(), network);
    const address = serialising.register('counter', new Counter());
    const remote = await serialising.connect<CounterGateway>(address).fail('X').catch((e: unknown) => e);
    expect(remote).not.toBeInstanceOf(QuotaExceededError);
    expect(remote).toMatchObject({ code: 'QUOTA_EXCEEDED', name: 'QuotaExceededError' });

    const processDefault = new LocalRpcService(1000, new ManualClock());
    const sameProcess = processDefault.register('counter', new Counter());
    await expect(processDefault.connect<CounterGateway>(sameProcess).fail('X')).rejects.toBeInstanceOf(QuotaExceededError);
    await Promise.all([serialising.close(), processDefault.close()]);
  });
});

