import * as net from 'node:net';
import * as tls from 'node:tls';
import { FlottError } from '@flott/core';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';
import { certificateRefusal, describeTlsRefusal, tlsServerOptions, type TcpTlsMaterial } from '../security/tls-material';
import { DataConnection, type DataConnectionAuth } from './data-connection';
import { maxFrameBytes } from './data-frames';
import { PartitionRequestServerConnection, type RemotePartitionProvider } from './partition-request-server';

export interface DataServerOptions {
  /** Local address the server listens on (taskmanager.bind-host). */
  readonly bindHost: string;
  /** taskmanager.data.port; 0 = a free port. */
  readonly port: number;
  /** The host other TaskManagers connect to (taskmanager.host); the bind host when not given (127.0.0.1 for a wildcard). */
  readonly advertisedHost?: string;
  /** taskmanager.memory.segment-size: the largest buffer a frame carries. */
  readonly segmentSize: number;
  /** taskmanager.network.max-channels-per-connection. */
  readonly maxChannelsPerConnection: number;
  /** taskmanager.network.netty.client.connectTimeoutSec, in ms: also how long a peer has to authenticate. */
  readonly connectTimeoutMs: number;
  readonly scheduler: Scheduler;
  /** Where PartitionRequests from other TaskManagers are served from. */
  readonly partitions: RemotePartitionProvider;
  /** security.internal.secret: both ends prove it before the first frame (docs/network.md, "Authentication"). */
  readonly secret?: string;
  /** security.ssl.internal.*: connections are mutual TLS, as RPC's. */
  readonly tls?: TcpTlsMaterial;
  readonly logger?: Logger;
  /** Whose server this is, for messages: 'TaskManager' (the default), 'slot thread'. */
  readonly kind?: string;
}

/**
 * The server half of the data plane (Flink's NettyServer): a TCP server that serves result partitions
 * to consumers on other TaskManagers, one PartitionRequestServerConnection per accepted connection. A
 * TaskManager runs one on its main thread (its PartitionBroker's), and each slot thread its own for
 * its pipelined partitions (docs/network.md, "Slot threads' own data servers"). Consumers connect from
 * their own slot threads (`DataClientConnections`). One event loop only.
 */
export class DataServer {
  private readonly served = new Set<PartitionRequestServerConnection>();
  private readonly log: Logger;
  private closed = false;

  private constructor(
    private readonly opts: DataServerOptions,
    private readonly server: net.Server,
    /** `host:port` other TaskManagers reach this server at. */
    readonly address: string,
  ) {
    this.log = opts.logger ?? SILENT_LOGGER;
    server.on(opts.tls ? 'secureConnection' : 'connection', (socket: net.Socket) => this.accept(socket));
    if (opts.tls) {
      server.on('tlsClientError', (e: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
        this.refused(`${socket.remoteAddress}:${socket.remotePort}`, describeTlsRefusal(e));
      });
    }
  }

  static async start(opts: DataServerOptions): Promise<DataServer> {
    const material = opts.tls;
    // Client certificates are checked on accept (not by the TLS layer), so a refusal is logged with its reason.
    const server = material ? tls.createServer(tlsServerOptions(material)) : net.createServer();
    await new Promise<void>((resolve, reject) => {
      const refused = (e: Error) => reject(new FlottError(
        'DATA_SERVER_UNAVAILABLE',
        `The ${opts.kind ?? 'TaskManager'}'s data server cannot listen on ${opts.bindHost}:${opts.port} (taskmanager.bind-host, taskmanager.data.port): ${e.message}`,
        { bindHost: opts.bindHost, port: opts.port },
        { cause: e },
      ));
      server.once('error', refused);
      server.listen(opts.port, opts.bindHost, () => {
        server.off('error', refused);
        resolve();
      });
    });
    const bound = server.address() as net.AddressInfo;
    const wildcard = opts.bindHost === '0.0.0.0' || opts.bindHost === '::';
    const host = opts.advertisedHost ?? (wildcard ? '127.0.0.1' : opts.bindHost);
    return new DataServer(opts, server, `${host}:${bound.port}`);
  }

  private get kind(): string {
    const kind = this.opts.kind ?? 'TaskManager';
    return kind[0].toUpperCase() + kind.slice(1);
  }

  /** Connections accepted and open now. */
  get connectionCount(): number {
    return this.served.size;
  }

  /** Stops listening; the consumers on open connections fail (the producers here are going away). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reason = new FlottError('DATA_SERVER_SHUTDOWN', `${this.kind} data server ${this.address} shut down`, { address: this.address });
    for (const s of this.served) s.close(reason);
    this.served.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const refusal = this.opts.tls ? certificateRefusal(socket as tls.TLSSocket, this.opts.tls) : undefined;
    if (refusal) {
      this.refused(peer, refusal);
      socket.destroy();
      return;
    }
    const handler = new PartitionRequestServerConnection(this.opts.partitions, this.opts.maxChannelsPerConnection, (gone) => this.served.delete(gone));
    handler.bind(new DataConnection(socket, peer, maxFrameBytes(this.opts.segmentSize), handler, this.auth(peer)));
    this.served.add(handler);
  }

  /** The handshake of a connection from `peer`, when the cluster has a shared secret. */
  private auth(peer: string): DataConnectionAuth | undefined {
    const secret = this.opts.secret;
    if (secret === undefined) return undefined;
    return { secret, role: 'server', timeoutMs: this.opts.connectTimeoutMs, scheduler: this.opts.scheduler, onRefused: (reason) => this.refused(peer, reason) };
  }

  private refused(peer: string, reason: string): void {
    this.log.warn({ remote: peer, reason }, `Refused a data connection from ${peer}: ${reason}`);
  }
}
