import { ConfigurationError } from '@flott/core';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import { SystemScheduler, type Cancellable, type Scheduler } from '../time/clock';
import { RpcConnectionError } from './rpc-errors';
import type { RpcReply, RpcRequest, RpcRequestHandler, RpcTransport } from './rpc-transport';
import { FrameEncoder } from './frame-codec';
import { TcpConnection } from './tcp-connection';
import { TransportRpcService } from './transport-rpc-service';
import { certificateRefusal, describeTlsRefusal, tlsClientOptions, tlsServerOptions, type TcpTlsMaterial } from '../security/tls-material';

const SCHEME = 'flott.tcp://';

export interface TcpRpcServiceOptions {
  /** Interface to listen on (Flink's *.bind-host). */
  readonly bindHost: string;
  /** 0 = a free port (see TcpRpcService.port). */
  readonly port: number;
  /** The host other processes reach this one by, in its addresses; the bind host unless set. */
  readonly advertisedHost?: string;
  readonly askTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** rpc.framesize: the largest payload of one frame. */
  readonly maxFrameBytes: number;
  /** rpc.outbound-queue.max-bytes: bytes waiting to be written to one peer. */
  readonly maxQueuedBytes: number;
  /** security.internal.secret: proven by both sides in the handshake. */
  readonly secret?: string;
  readonly tls?: TcpTlsMaterial;
  readonly scheduler?: Scheduler;
  readonly logger?: Logger;
}

/** The host and port of a `flott.tcp://host:port` base address (IPv6 hosts in brackets). */
export function parseTcpPeer(peer: string): { host: string; port: number } | undefined {
  const m = /^flott\.tcp:\/\/(\[[^\]]+\]|[^:/[\]]+):(\d{1,5})$/.exec(peer);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : undefined;
}

export function formatTcpPeer(host: string, port: number): string {
  return `${SCHEME}${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/**
 * The TCP transport: a server for the peers that connect here, and one outbound connection per
 * remote process, made on demand, shared by every call to it, and made again on the next call after
 * it was lost.
 */
class TcpTransport implements RpcTransport {
  private server?: net.Server;
  private boundPort = 0;
  private readonly outbound = new Map<string, TcpConnection>();
  private readonly inbound = new Set<TcpConnection>();
  private closed = false;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;

  constructor(private readonly handler: RpcRequestHandler, private readonly opts: TcpRpcServiceOptions) {
    this.scheduler = opts.scheduler ?? new SystemScheduler();
    this.logger = opts.logger ?? SILENT_LOGGER;
  }

  get baseAddress(): string {
    return formatTcpPeer(this.opts.advertisedHost ?? this.opts.bindHost, this.boundPort);
  }

  get port(): number {
    return this.boundPort;
  }

  get connectionCounts(): { inbound: number; outbound: number } {
    return { inbound: this.inbound.size, outbound: [...this.outbound.values()].filter((c) => !c.isClosed).length };
  }

  async listen(): Promise<void> {
    const { tls: material } = this.opts;
    const accept = (socket: net.Socket): void => {
      const refusal = material ? certificateRefusal(socket as tls.TLSSocket, material) : undefined;
      if (refusal) {
        const remote = `${socket.remoteAddress}:${socket.remotePort}`;
        this.logger.warn({ remote, reason: refusal }, `Refused an RPC connection from ${remote}: ${refusal}`);
        const { frame } = new FrameEncoder().encode({ t: 'refused', reason: refusal }, REFUSAL_MAX_BYTES);
        if (frame) socket.end(frame);
        else socket.destroy();
        return;
      }
      const connection = this.connection(socket, 'server', `${socket.remoteAddress}:${socket.remotePort}`);
      this.inbound.add(connection);
      connection.onClose(() => this.inbound.delete(connection));
    };
    const server = material
      ? // The client certificate is checked in `accept`, before any byte is read, so the refusal can be logged and told with its reason.
        tls.createServer(tlsServerOptions(material), accept)
      : net.createServer(accept);
    if (material) {
      server.on('tlsClientError', (e: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
        const remote = `${socket.remoteAddress}:${socket.remotePort}`;
        const reason = describeTlsRefusal(e);
        this.logger.warn({ remote, reason, code: e.code }, `Refused an RPC connection from ${remote}: ${reason}`);
      });
    }
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as net.AddressInfo).port;
  }

  request(peer: string, request: RpcRequest, signal: AbortSignal): Promise<RpcReply> {
    try {
      return this.outboundTo(peer).request(request, signal);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async tell(peer: string, request: RpcRequest): Promise<void> {
    this.outboundTo(peer).tell(request);
  }

  watch(peer: string, onLost: (cause: Error) => void): Cancellable {
    try {
      return this.outboundTo(peer).onClose(onLost);
    } catch (e) {
      let cancelled = false;
      queueMicrotask(() => cancelled || onLost(e as Error));
      return { cancel: () => (cancelled = true) };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const cause = new RpcConnectionError(this.baseAddress, 'this RPC service is closed');
    for (const c of [...this.outbound.values(), ...this.inbound]) c.close(cause);
    this.outbound.clear();
    this.inbound.clear();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The open (or opening) connection to `peer`, made now if there is none. */
  private outboundTo(peer: string): TcpConnection {
    const existing = this.outbound.get(peer);
    if (existing && !existing.isClosed) return existing;
    if (this.closed) throw new RpcConnectionError(peer, 'this RPC service is closed');
    const target = parseTcpPeer(peer);
    if (!target) throw new RpcConnectionError(peer, `not a ${SCHEME}host:port address`);
    const material = this.opts.tls;
    const socket = material
      ? tls.connect({ host: target.host, port: target.port, ...tlsClientOptions(material, target.host) })
      : net.connect({ host: target.host, port: target.port });
    const connection = this.connection(socket, 'client', peer);
    this.outbound.set(peer, connection);
    connection.onClose(() => {
      if (this.outbound.get(peer) === connection) this.outbound.delete(peer);
    });
    return connection;
  }

  private connection(socket: net.Socket, role: 'client' | 'server', peer: string): TcpConnection {
    return new TcpConnection(socket, {
      role,
      peer,
      secret: this.opts.secret,
      tls: this.opts.tls !== undefined,
      maxFrameBytes: this.opts.maxFrameBytes,
      maxQueuedBytes: this.opts.maxQueuedBytes,
      handshakeTimeoutMs: this.opts.connectTimeoutMs,
      scheduler: this.scheduler,
      logger: this.logger,
      handler: this.handler,
    });
  }
}

const REFUSAL_MAX_BYTES = 1024;

/**
 * The RPC service over TCP (docs/rpc.md): listens on `bindHost:port`, serves its endpoints at
 * `flott.tcp://host:port/<name>`, and reaches other processes' endpoints by their addresses.
 */
export class TcpRpcService extends TransportRpcService {
  private constructor(options: TcpRpcServiceOptions) {
    super((handler) => new TcpTransport(handler, options), { askTimeoutMs: options.askTimeoutMs, scheduler: options.scheduler ?? new SystemScheduler() });
  }

  /** Starts listening; resolves once the port is bound. */
  static async start(options: TcpRpcServiceOptions): Promise<TcpRpcService> {
    if (options.maxQueuedBytes < options.maxFrameBytes) {
      throw new ConfigurationError(
        `rpc.outbound-queue.max-bytes (${options.maxQueuedBytes}) must hold at least one frame of rpc.framesize (${options.maxFrameBytes})`,
        { maxQueuedBytes: options.maxQueuedBytes, maxFrameBytes: options.maxFrameBytes },
      );
    }
    const service = new TcpRpcService(options);
    await (service.transport as TcpTransport).listen();
    return service;
  }

  /** The port listened on (the chosen one when started with port 0). */
  get port(): number {
    return (this.transport as TcpTransport).port;
  }

  /** Open connections: accepted from peers, and made to peers (one per peer). For tests and metrics. */
  get connectionCounts(): { inbound: number; outbound: number } {
    return (this.transport as TcpTransport).connectionCounts;
  }
}
