import type { MessagePort } from 'node:worker_threads';
import { DataClientConnections } from './data-client';
import { portConsumer } from './partition-request-client';
import { DataServer, type DataServerOptions } from './data-server';

export type DataConnectionManagerOptions = Omit<DataServerOptions, 'kind'>;

/**
 * A TaskManager's data plane between processes (Flink's NettyConnectionManager with its NettyServer): a
 * TCP server that serves this TaskManager's result partitions to consumers on other TaskManagers, whose
 * slot threads hold their own connections to it (docs/network.md, "Slot threads' own connections").
 * `requestPartition` relays for a slot without connections of its own, over this TaskManager's client
 * connections (`DataClientConnections`). Wire protocol: docs/network.md. Main event loop only.
 */
export class DataConnectionManager {
  private readonly client: DataClientConnections;

  private constructor(
    opts: DataConnectionManagerOptions,
    private readonly server: DataServer,
  ) {
    this.client = new DataClientConnections(opts);
  }

  static async start(opts: DataConnectionManagerOptions): Promise<DataConnectionManager> {
    return new DataConnectionManager(opts, await DataServer.start(opts));
  }

  /** `host:port` other TaskManagers reach this one's data server at. */
  get address(): string {
    return this.server.address;
  }

  /** Connections open now, in and out (for tests and metrics). */
  get connectionCount(): { incoming: number; outgoing: number } {
    return { incoming: this.server.connectionCount, outgoing: this.client.count };
  }

  /**
   * Connects the consumer holding the other end of `port` to `subpartition` of `partitionKey` on the
   * TaskManager whose data server is at `peerAddress`, over the one connection to it (opened on first
   * use). A refused, timed-out or lost connection, or the producer side's error, comes back through `failConsumer`.
   */
  requestPartition(peerAddress: string, partitionKey: string, subpartition: number, port: MessagePort, failConsumer: (error: Error) => void): void {
    this.client.requestPartition(peerAddress, partitionKey, subpartition, portConsumer(port), failConsumer);
  }

  async close(): Promise<void> {
    this.client.close();
    await this.server.close();
  }
}
