import { assert, deserializeError, serializeError } from '@flott/core';
import type { Cancellable, Scheduler } from '../time/clock';
import { FencingTokenMismatchError, RpcConnectionError, RpcEndpointNotFoundError, RpcNoSuchMethodError, RpcTimeoutError, UnknownFencingTokenError, rpcErrorFromWire } from './rpc-errors';
import type { RpcConnectOptions, RpcRegisterOptions, RpcService } from './rpc-service';
import { splitAddress, type RpcReply, type RpcRequest, type RpcRequestHandler, type RpcTransport } from './rpc-transport';

export interface TransportRpcServiceOptions {
  /** rpc.ask-timeout: how long a call waits for its reply. */
  readonly askTimeoutMs: number;
  readonly scheduler: Scheduler;
}

interface Served {
  readonly target: Record<string, unknown>;
  readonly fencingToken?: () => string | undefined;
}

/**
 * The service layer of docs/rpc.md over any RpcTransport: serves registered endpoints (checking
 * fencing tokens, serialising what they throw) and makes gateway proxies whose calls time out on the
 * injected scheduler. The transport is made by `createTransport` with this service's request handler.
 */
export class TransportRpcService implements RpcService {
  protected readonly transport: RpcTransport;
  private readonly endpoints = new Map<string, Served>();
  private closed = false;

  constructor(createTransport: (handler: RpcRequestHandler) => RpcTransport, private readonly options: TransportRpcServiceOptions) {
    this.transport = createTransport((request) => this.serve(request));
  }

  /** The base address of this service's endpoints (`local://…`, `flott.tcp://host:port`). */
  get baseAddress(): string {
    return this.transport.baseAddress;
  }

  register<T extends object>(name: string, endpoint: T, options: RpcRegisterOptions = {}): string {
    assert(name.length > 0 && !name.includes('/'), `RPC endpoint name '${name}' must be non-empty and without '/'`);
    const address = `${this.transport.baseAddress}/${name}`;
    assert(!this.endpoints.has(name), `RPC address ${address} registered twice`);
    this.endpoints.set(name, { target: endpoint as Record<string, unknown>, fencingToken: options.fencingToken });
    return address;
  }

  unregister(address: string): void {
    const { peer, endpoint } = splitAddress(address);
    if (peer === this.transport.baseAddress) this.endpoints.delete(endpoint);
  }

  connect<T extends object>(address: string, options: RpcConnectOptions = {}): T {
    const oneWay = new Set(options.oneWay ?? []);
    return new Proxy({} as T, {
      get: (_target, prop) => {
        // 'then': a proxy must not look like a promise to `await`.
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        return (...args: unknown[]) => this.call(address, prop, args, options.fencingToken, oneWay.has(prop));
      },
    });
  }

  watch(address: string, onLost: (cause: Error) => void): Cancellable {
    return this.transport.watch(splitAddress(address).peer, onLost);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.endpoints.clear();
    await this.transport.close();
  }

  private async call(address: string, method: string, args: unknown[], fencingToken: string | undefined, oneWay: boolean): Promise<unknown> {
    const { peer, endpoint } = splitAddress(address);
    const request: RpcRequest = { endpoint, method, args, ...(fencingToken !== undefined ? { fencingToken } : {}) };
    if (this.closed) throw new RpcConnectionError(peer, 'this RPC service is closed');
    if (oneWay) {
      await this.transport.tell(peer, request);
      return undefined;
    }
    const timeoutMs = this.options.askTimeoutMs;
    const abort = new AbortController();
    let timer: Cancellable | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = this.options.scheduler.schedule(timeoutMs, () => {
        abort.abort();
        reject(new RpcTimeoutError(address, method, timeoutMs));
      });
    });
    try {
      const reply = await Promise.race([this.transport.request(peer, request, abort.signal), timedOut]);
      if (reply.ok) return reply.value;
      if (reply.thrown !== undefined) throw reply.thrown;
      throw rpcErrorFromWire(reply.error) ?? deserializeError(reply.error);
    } finally {
      timer?.cancel();
    }
  }

  /** Runs an arriving request on its endpoint; every failure becomes an error reply. */
  private async serve(request: RpcRequest): Promise<RpcReply> {
    try {
      const address = `${this.transport.baseAddress}/${request.endpoint}`;
      const served = this.endpoints.get(request.endpoint);
      if (!served) throw new RpcEndpointNotFoundError(address);
      if (served.fencingToken) {
        const expected = served.fencingToken();
        if (expected === undefined) throw new UnknownFencingTokenError(address);
        if (expected !== request.fencingToken) throw new FencingTokenMismatchError(address, expected, request.fencingToken);
      }
      const method = served.target[request.method];
      // Only the endpoint's own methods: not Object.prototype's (a peer must not call hasOwnProperty or constructor).
      if (typeof method !== 'function' || request.method in Object.prototype) throw new RpcNoSuchMethodError(address, request.method);
      return { ok: true, value: await method.apply(served.target, request.args) };
    } catch (e) {
      return { ok: false, error: serializeError(e), thrown: e };
    }
  }
}
