import { deserializeError } from '@flott/core';
import type { DataConnection, DataConnectionHandler } from './data-connection';
import {
  CONNECTION_ERROR,
  encodeAddCredit,
  encodeCancelPartitionRequest,
  encodeCloseRequest,
  encodePartitionRequest,
  FRAME_BUFFER,
  FRAME_CANCEL_PARTITION_REQUEST,
  FRAME_ERROR_RESPONSE,
  type DataFrame,
} from './data-frames';
import { CorruptDataFrameError, RemoteTransportError } from './network-errors';

/**
 * The consumer of a requested channel, as the client side of a connection sees it: its grants of credit
 * (with the buffers it returns for reuse; the first grant opens the request), its closing, and the
 * buffers delivered to it: a `DirectRemoteChannel` in the consumer's own slot thread.
 */
export interface RequestedConsumer {
  onCredit(listener: (credits: number, returned: ArrayBuffer[]) => void): void;
  /** The consumer closed its end (it finished or was released). */
  onClose(listener: () => void): void;
  deliver(buffer: ArrayBuffer, length: number, flags: number): void;
  /** The channel ended on the producer's side, or failed: nothing more comes. */
  close(): void;
}

interface RequestedChannel {
  readonly receiverId: number;
  readonly consumer: RequestedConsumer;
  readonly failConsumer: (error: Error) => void;
  /** Buffers the consumer returned, reused for what arrives next (never more than were in flight). */
  readonly pool: ArrayBuffer[];
  requested: boolean;
  done: boolean;
}

/** Buffers kept for reuse per channel; in flight are at most the credits (plus unaligned overtakes), so this rarely binds. */
const MAX_POOLED_BUFFERS = 64;

/**
 * The client side of one data connection (Flink's CreditBasedPartitionRequestClientHandler): between
 * each requested channel's consumer and the socket. The consumer's first grant of credit becomes the
 * PartitionRequest's initial credit, later grants AddCredit frames; each Buffer frame is copied into a
 * buffer the consumer returned earlier (a new one only while there are none) and transferred to it
 * with its flags unchanged.
 */
export class PartitionRequestClientConnection implements DataConnectionHandler {
  private readonly channels = new Map<number, RequestedChannel>();
  private nextReceiverId = 0;
  private connection!: DataConnection;

  constructor(
    private readonly segmentSize: number,
    private readonly onGone: (self: PartitionRequestClientConnection) => void,
  ) {}

  bind(connection: DataConnection): void {
    this.connection = connection;
  }

  get isClosed(): boolean {
    return this.connection.isClosed;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  /**
   * Requests `subpartition` of `partitionKey` for `consumer`. The consumer fails through `failConsumer`
   * when the producer side reports an error or the connection is lost.
   */
  request(partitionKey: string, subpartition: number, consumer: RequestedConsumer, failConsumer: (error: Error) => void): void {
    // 0xffffffff names the connection in ErrorResponse; ids wrap around long before a channel lives that long.
    this.nextReceiverId = (this.nextReceiverId + 1) % CONNECTION_ERROR;
    const ch: RequestedChannel = { receiverId: this.nextReceiverId, consumer, failConsumer, pool: [], requested: false, done: false };
    this.channels.set(ch.receiverId, ch);
    consumer.onCredit((credits, returned) => {
      if (ch.done) return;
      for (const b of returned) if (ch.pool.length < MAX_POOLED_BUFFERS) ch.pool.push(b);
      if (!ch.requested) {
        ch.requested = true;
        this.connection.write(encodePartitionRequest(ch.receiverId, partitionKey, subpartition, credits));
      } else if (credits > 0) {
        this.connection.write(encodeAddCredit(ch.receiverId, credits));
      }
    });
    consumer.onClose(() => {
      if (ch.done) return;
      // The consumer finished or was released: the producer side frees its end.
      if (ch.requested) this.connection.write(encodeCancelPartitionRequest(ch.receiverId));
      this.finish(ch);
    });
  }

  onFrame(frame: DataFrame): void {
    switch (frame.type) {
      case FRAME_BUFFER: {
        const ch = this.channels.get(frame.receiverId);
        if (ch) this.deliver(ch, frame.data, frame.flags);
        break;
      }
      case FRAME_CANCEL_PARTITION_REQUEST: {
        const ch = this.channels.get(frame.receiverId);
        if (ch) this.finish(ch);
        break;
      }
      case FRAME_ERROR_RESPONSE: {
        const error = deserializeError(frame.error);
        if (frame.receiverId === CONNECTION_ERROR) {
          this.failAll(new RemoteTransportError(this.connection.peerAddress, `the peer reported: ${error.message}`, { cause: error }));
          this.connection.destroy();
          this.onGone(this);
          break;
        }
        const ch = this.channels.get(frame.receiverId);
        if (!ch) break;
        this.finish(ch);
        ch.failConsumer(error);
        break;
      }
      default:
        this.connection.fail(new CorruptDataFrameError(`A data client received a frame of type ${frame.type}, which only a client sends`, { type: frame.type }));
    }
  }

  onClose(error: Error | undefined): void {
    this.failAll(new RemoteTransportError(this.connection.peerAddress, error ? `lost (${error.message})` : 'closed by the producer side', { cause: error }));
    this.onGone(this);
  }

  /** Ends the connection in order (this TaskManager shuts down): the producer side frees its channels without failing them. */
  close(): void {
    for (const ch of [...this.channels.values()]) this.finish(ch);
    this.connection.end(encodeCloseRequest());
  }

  private deliver(ch: RequestedChannel, data: Uint8Array, flags: number): void {
    let buffer = ch.pool.pop();
    while (buffer !== undefined && buffer.byteLength < data.length) buffer = ch.pool.pop();
    buffer ??= new ArrayBuffer(Math.max(this.segmentSize, data.length));
    new Uint8Array(buffer, 0, data.length).set(data);
    ch.consumer.deliver(buffer, data.length, flags);
  }

  private failAll(error: Error): void {
    for (const ch of [...this.channels.values()]) {
      this.finish(ch);
      ch.failConsumer(error);
    }
  }

  private finish(ch: RequestedChannel): void {
    if (ch.done) return;
    ch.done = true;
    this.channels.delete(ch.receiverId);
    ch.consumer.close();
  }
}
