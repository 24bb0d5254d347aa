import { serializeError } from '@flott/core';
import type { Clock } from '@flott/core';
import type { Cancellable, Scheduler } from '../../time/clock';
import { RpcConnectionError } from '../../rpc/rpc-errors';
import type { RpcReply, RpcRequest, RpcRequestHandler, RpcTransport } from '../../rpc/rpc-transport';
import { TransportRpcService } from '../../rpc/transport-rpc-service';
import type { SimulationTrace } from './simulation-trace';

/** What happens to one message on the simulated network. */
export interface MessageFate {
  readonly lost: boolean;
  /** Simulated milliseconds until it arrives (when not lost). */
  readonly delayMs: number;
}

/** Decides each message's fate (the seeded fault injector); called once per message, in send order. */
export interface NetworkFaults {
  fateOf(from: string, to: string, what: string): MessageFate;
}

const SCHEME = 'sim://';

/**
 * The network of a simulated cluster: every process (host) is a peer, and each request, reply and
 * one-way message is an event on the simulated clock that arrives after the delay its fate gives, or
 * never (lost: the caller's rpc.ask-timeout fires). A killed host answers nothing; a peer that tries
 * to reach it, or watches it, sees its connection reset. Messages are structured clones, as over a
 * socket, and errors arrive serialised, as over TCP.
 */
export class SimulatedNetwork {
  private readonly hosts = new Map<string, SimulatedTransport>();
  /** When the last message on each link (`from->to`) arrives: links are FIFO, as a TCP connection is. */
  private readonly linkArrivals = new Map<string, number>();

  constructor(
    private readonly clock: Scheduler & Clock,
    private readonly faults: NetworkFaults,
    private readonly trace: SimulationTrace,
  ) {}

  /** An RPC service for host `name` (unique on this network) whose calls time out after `askTimeoutMs` on `scheduler`. */
  rpcService(name: string, askTimeoutMs: number, scheduler: Scheduler): TransportRpcService {
    return new TransportRpcService((handler) => this.attach(name, handler), { askTimeoutMs, scheduler });
  }

  /** The host crashed: whatever is sent to it is lost, and its watchers see the connection reset. */
  kill(name: string): void {
    const host = this.hosts.get(`${SCHEME}${name}`);
    if (!host || host.dead) return;
    host.dead = true;
    this.trace.record(`net kill ${name}`);
    const watchers = [...host.watchers];
    host.watchers.clear();
    for (const watcher of watchers) this.deliver(name, watcher.from, 'connection-reset', () => watcher.onLost(new RpcConnectionError(host.baseAddress, 'connection reset: the peer died')));
  }

  private attach(name: string, handler: RpcRequestHandler): RpcTransport {
    const baseAddress = `${SCHEME}${name}`;
    if (this.hosts.has(baseAddress)) throw new Error(`Assertion failed: host ${name} joined the simulated network twice`);
    const transport = new SimulatedTransport(this, baseAddress, handler);
    this.hosts.set(baseAddress, transport);
    return transport;
  }

  /** @internal */
  host(baseAddress: string): SimulatedTransport | undefined {
    return this.hosts.get(baseAddress);
  }

  /**
   * Sends one message from `from` to `to`: `arrive` runs when it arrives, unless its fate loses it
   * or `to` is dead by then (a crashed process reads nothing).
   * @internal
   */
  deliver(from: string, to: string, what: string, arrive: () => void): void {
    // A crashed process sends nothing (what its last promises would still send is dropped).
    if (this.hosts.get(`${SCHEME}${from}`)?.dead) return;
    // Calls between the roles of one process (the JobMaster and the ResourceManager) never leave it: no loss, no delay.
    const fate = from === to ? { lost: false, delayMs: 0 } : this.faults.fateOf(from, to, what);
    if (fate.lost) {
      this.trace.record(`net lost ${from}->${to} ${what}`);
      return;
    }
    // A delayed message holds up the ones behind it on its link: the link stays FIFO.
    const link = `${from}->${to}`;
    const now = this.clock.currentTimeMillis();
    const arrival = Math.max(now + fate.delayMs, this.linkArrivals.get(link) ?? 0);
    this.linkArrivals.set(link, arrival);
    this.trace.record(`net ${link} ${what} +${arrival - now}`);
    this.clock.schedule(arrival - now, () => {
      const target = this.hosts.get(`${SCHEME}${to}`);
      if (target && !target.dead) arrive();
    });
  }
}

interface Watcher {
  readonly from: string;
  readonly onLost: (cause: Error) => void;
}

class SimulatedTransport implements RpcTransport {
  dead = false;
  readonly watchers = new Set<Watcher>();
  readonly name: string;

  constructor(
    private readonly network: SimulatedNetwork,
    readonly baseAddress: string,
    private readonly handler: RpcRequestHandler,
  ) {
    this.name = baseAddress.slice(SCHEME.length);
  }

  request(peer: string, request: RpcRequest, signal: AbortSignal): Promise<RpcReply> {
    return new Promise<RpcReply>((resolve, reject) => {
      const to = peer.slice(SCHEME.length);
      const what = `${request.endpoint.replace(/-[0-9a-f]{32}$/, '')}.${request.method}`;
      const args = structuredClone(request.args);
      this.network.deliver(this.name, to, what, () => {
        const target = this.network.host(peer);
        if (!target) {
          this.network.deliver(to, this.name, `${what} refused`, () => signal.aborted || reject(new RpcConnectionError(peer, 'no such peer on the simulated network')));
          return;
        }
        void target.handler({ ...request, args }).then((reply) => {
          const copy = cloneReply(reply);
          this.network.deliver(to, this.name, `${what} reply`, () => signal.aborted || resolve(copy));
        });
      });
    });
  }

  async tell(peer: string, request: RpcRequest): Promise<void> {
    const to = peer.slice(SCHEME.length);
    const args = structuredClone(request.args);
    this.network.deliver(this.name, to, `${request.endpoint}.${request.method} (one-way)`, () => {
      void this.network.host(peer)?.handler({ ...request, args });
    });
  }

  watch(peer: string, onLost: (cause: Error) => void): Cancellable {
    const target = this.network.host(peer);
    const watcher: Watcher = { from: this.name, onLost };
    if (!target || target.dead) {
      let cancelled = false;
      this.network.deliver(peer.slice(SCHEME.length), this.name, 'connection-refused', () => cancelled || onLost(new RpcConnectionError(peer, 'the peer is not there')));
      return { cancel: () => (cancelled = true) };
    }
    target.watchers.add(watcher);
    return { cancel: () => target.watchers.delete(watcher) };
  }

  async close(): Promise<void> {
    this.network.kill(this.name);
  }
}

/** A copy of the reply as a remote caller decodes it; a result that cannot be copied becomes the error. */
function cloneReply(reply: RpcReply): RpcReply {
  if (!reply.ok) return { ok: false, error: reply.error };
  if (reply.value === undefined) return reply;
  try {
    return { ok: true, value: structuredClone(reply.value) };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}
