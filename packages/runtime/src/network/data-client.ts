import * as net from 'node:net';
import * as tls from 'node:tls';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';
import { tlsClientOptions, type TcpTlsMaterial } from '../security/tls-material';
import { DataConnection, type DataConnectionAuth } from './data-connection';
import { maxFrameBytes } from './data-frames';
import { RemoteTransportError } from './network-errors';
import { PartitionRequestClientConnection, type RequestedConsumer } from './partition-request-client';

export interface DataClientOptions {
  /** taskmanager.memory.segment-size: the largest buffer a frame carries. */
  readonly segmentSize: number;
  /** taskmanager.network.netty.client.connectTimeoutSec, in ms. */
  readonly connectTimeoutMs: number;
  readonly scheduler: Scheduler;
  /** security.internal.secret: both ends prove it before the first frame (docs/network.md, "Authentication"). */
  readonly secret?: string;
  /** security.ssl.internal.*: connections are mutual TLS, as RPC's. */
  readonly tls?: TcpTlsMaterial;
  readonly logger?: Logger;
}

/**
 * The client half of the data plane (Flink's NettyClient with its PartitionRequestClientFactory): one
 * connection per producer TaskManager's data server, opened on first use and shared by every channel
 * requested from it. Each slot thread holds its own for its channels from other TaskManagers
 * (docs/network.md, "Slot threads' own connections").
 * One event loop only.
 */
export class DataClientConnections {
  private readonly clients = new Map<string, PartitionRequestClientConnection>();
  private readonly log: Logger;
  private closed = false;

  constructor(private readonly opts: DataClientOptions) {
    this.log = opts.logger ?? SILENT_LOGGER;
  }

  /** Connections open now. */
  get count(): number {
    return this.clients.size;
  }

  /**
   * Connects `consumer` to `subpartition` of `partitionKey` on the TaskManager whose data server is at
   * `peerAddress`, over the one connection to it. A refused, timed-out or lost connection, or the
   * producer side's error, comes back through `failConsumer`.
   */
  requestPartition(peerAddress: string, partitionKey: string, subpartition: number, consumer: RequestedConsumer, failConsumer: (error: Error) => void): void {
    if (this.closed) {
      consumer.close();
      failConsumer(new RemoteTransportError(peerAddress, 'this TaskManager is shutting down'));
      return;
    }
    let client = this.clients.get(peerAddress);
    if (!client || client.isClosed) {
      client = this.connect(peerAddress);
      this.clients.set(peerAddress, client);
    }
    client.request(partitionKey, subpartition, consumer, failConsumer);
  }

  /** Ends every connection in order (CloseRequest): the producer sides free their channels without failing the producers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private connect(peerAddress: string): PartitionRequestClientConnection {
    const at = peerAddress.lastIndexOf(':');
    const host = peerAddress.slice(0, at).replace(/^\[|\]$/g, '');
    const port = Number(peerAddress.slice(at + 1));
    const material = this.opts.tls;
    const socket = material ? tls.connect({ host, port, ...tlsClientOptions(material, host) }) : net.connect({ host, port });
    const timeoutMs = this.opts.connectTimeoutMs;
    const timer = this.opts.scheduler.schedule(timeoutMs, () => socket.destroy(new Error(`could not connect within ${timeoutMs} ms`)));
    socket.once(material ? 'secureConnect' : 'connect', () => timer.cancel());
    socket.once('close', () => timer.cancel());
    const client: PartitionRequestClientConnection = new PartitionRequestClientConnection(this.opts.segmentSize, (gone) => {
      if (this.clients.get(peerAddress) === gone) this.clients.delete(peerAddress);
    });
    client.bind(new DataConnection(socket, peerAddress, maxFrameBytes(this.opts.segmentSize), client, this.auth(peerAddress)));
    this.log.info({ peerAddress }, `Opening a data connection to TaskManager ${peerAddress}.`);
    return client;
  }

  /** The handshake of a connection to `peer`, when the cluster has a shared secret. */
  private auth(peer: string): DataConnectionAuth | undefined {
    const secret = this.opts.secret;
    if (secret === undefined) return undefined;
    return {
      secret,
      role: 'client',
      timeoutMs: this.opts.connectTimeoutMs,
      scheduler: this.opts.scheduler,
      onRefused: (reason) => this.log.warn({ peerAddress: peer, reason }, `The data server of TaskManager ${peer} failed authentication: ${reason}`),
    };
  }
}
