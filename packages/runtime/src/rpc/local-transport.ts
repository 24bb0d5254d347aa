import { serializeError } from '@flott/core';
import { SystemScheduler, type Cancellable, type Scheduler } from '../time/clock';
import { RpcConnectionError } from './rpc-errors';
import type { RpcReply, RpcRequest, RpcRequestHandler, RpcTransport } from './rpc-transport';
import { TransportRpcService } from './transport-rpc-service';

let networkSeq = 0;

/**
 * An in-process network: the peers (RPC services) attached to it reach one another, and nothing on
 * another network. Tests and the simulator run several "hosts" in one process with one network each
 * (or several on one). Messages are structured clones, delivered asynchronously, as over a socket.
 */
export class LocalRpcNetwork {
  readonly id: string;
  /**
   * Whether a caller gets the very error object an endpoint threw (as the single-process cluster
   * always did) rather than what a remote caller gets: the error rebuilt from its serialised form (its
   * registered class, or a RemoteError, with the code, message, data, stack and cause). Only the process's default network
   * passes instances; a network made for tests or the simulator behaves as TCP does.
   */
  readonly passErrorInstances: boolean;
  private readonly peers = new Map<string, LocalTransport>();
  private peerSeq = 0;

  constructor(options: { name?: string; passErrorInstances?: boolean } = {}) {
    this.id = options.name ?? `net${++networkSeq}`;
    this.passErrorInstances = options.passErrorInstances ?? false;
  }

  /** Adds a peer that serves arriving requests with `handler`. */
  attach(handler: RpcRequestHandler): RpcTransport {
    const transport = new LocalTransport(this, `local://${this.id}.${++this.peerSeq}`, handler);
    this.peers.set(transport.baseAddress, transport);
    return transport;
  }

  /** @internal */
  lookup(peer: string): LocalTransport | undefined {
    return this.peers.get(peer);
  }

  /** @internal */
  detach(transport: LocalTransport): void {
    this.peers.delete(transport.baseAddress);
  }
}

/** The network LocalRpcServices join unless given another: one per process, as MiniCluster needs. */
const DEFAULT_NETWORK = new LocalRpcNetwork({ name: `${process.pid}`, passErrorInstances: true });

interface InFlight {
  readonly reject: (e: Error) => void;
}

class LocalTransport implements RpcTransport {
  /** Calls being served here: they fail at once when this peer closes, as over a closed connection. */
  private readonly inFlight = new Set<InFlight>();
  /** Calls this peer made that wait for their replies. */
  private readonly outgoing = new Set<InFlight>();
  /** Other peers' watches on this one. */
  private readonly watchers = new Set<(cause: Error) => void>();
  private closed = false;

  constructor(
    private readonly network: LocalRpcNetwork,
    readonly baseAddress: string,
    private readonly handler: RpcRequestHandler,
  ) {}

  request(peer: string, request: RpcRequest, signal: AbortSignal): Promise<RpcReply> {
    let reply: Promise<RpcReply>;
    try {
      reply = this.target(peer).receive(cloneRequest(request), signal);
    } catch (e) {
      return Promise.reject(e);
    }
    // This peer's own calls fail too when it closes, as closing a TCP service closes its connections.
    return new Promise<RpcReply>((resolve, reject) => {
      const call: InFlight = { reject };
      this.outgoing.add(call);
      reply.then(resolve, reject).finally(() => this.outgoing.delete(call));
    });
  }

  async tell(peer: string, request: RpcRequest): Promise<void> {
    void this.target(peer).receive(cloneRequest(request), new AbortController().signal).catch(() => undefined);
  }

  watch(peer: string, onLost: (cause: Error) => void): Cancellable {
    const target = this.network.lookup(peer);
    if (!target) {
      let cancelled = false;
      queueMicrotask(() => cancelled || onLost(this.unreachable(peer)));
      return { cancel: () => (cancelled = true) };
    }
    const once = (cause: Error): void => onLost(cause);
    target.watchers.add(once);
    return { cancel: () => target.watchers.delete(once) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.network.detach(this);
    const cause = new RpcConnectionError(this.baseAddress, 'the peer closed its RPC service');
    for (const call of this.inFlight) call.reject(cause);
    this.inFlight.clear();
    const closedHere = new RpcConnectionError(this.baseAddress, 'this RPC service is closed');
    for (const call of this.outgoing) call.reject(closedHere);
    this.outgoing.clear();
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const w of watchers) w(cause);
  }

  private target(peer: string): LocalTransport {
    const target = this.network.lookup(peer);
    if (!target || this.closed) throw this.unreachable(peer);
    return target;
  }

  private unreachable(peer: string): RpcConnectionError {
    return new RpcConnectionError(peer, this.closed ? 'this RPC service is closed' : `no such peer on local network ${this.network.id}`);
  }

  private receive(request: RpcRequest, signal: AbortSignal): Promise<RpcReply> {
    return new Promise<RpcReply>((resolve, reject) => {
      const call: InFlight = { reject };
      const forget = (): boolean => this.inFlight.delete(call);
      this.inFlight.add(call);
      signal.addEventListener('abort', forget, { once: true });
      // A microtask later, as a message arrives: the caller's code after the call runs first.
      void Promise.resolve()
        .then(() => this.handler(request))
        .then((reply) => {
          if (forget()) resolve(cloneReply(reply, this.network.passErrorInstances));
        });
    });
  }
}

function cloneRequest(request: RpcRequest): RpcRequest {
  return { ...request, args: structuredClone(request.args) };
}

/** A copy of the reply as the caller would decode it; a result that cannot be copied becomes the error. */
function cloneReply(reply: RpcReply, passErrorInstances: boolean): RpcReply {
  if (!reply.ok) return passErrorInstances ? reply : { ok: false, error: reply.error };
  if (reply.value === undefined) return reply;
  try {
    return { ok: true, value: structuredClone(reply.value) };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}

/** The service layer on an in-process network (by default the process's one network). */
export class LocalRpcService extends TransportRpcService {
  constructor(askTimeoutMs = 30_000, scheduler: Scheduler = new SystemScheduler(), network: LocalRpcNetwork = DEFAULT_NETWORK) {
    super((handler) => network.attach(handler), { askTimeoutMs, scheduler });
  }
}
