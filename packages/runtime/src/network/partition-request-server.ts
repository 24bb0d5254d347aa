import type { MessagePort } from 'node:worker_threads';
import { FlottError, serializeError } from '@flott/core';
import type { DataConnection, DataConnectionHandler } from './data-connection';
import {
  encodeBufferFrame,
  encodeCancelPartitionRequest,
  encodeErrorResponse,
  FRAME_ADD_CREDIT,
  FRAME_CANCEL_PARTITION_REQUEST,
  FRAME_CLOSE_REQUEST,
  FRAME_PARTITION_REQUEST,
  type DataFrame,
} from './data-frames';
import { CorruptDataFrameError, RemoteTransportError } from './network-errors';

/**
 * The producer of a served channel, as the server side of a connection sees it: the buffers it sends
 * (each handed back with `returnBuffer` once written to the socket, which copies it), the credits the
 * remote consumer grants it, and its end. Over a MessagePort to a producer slot (the TaskExecutor's
 * data server, `portProducer`), or in the producer's own thread (`DirectProducerChannel`).
 */
export interface AttachedProducer {
  onBuffer(listener: (buffer: ArrayBuffer, length: number, flags: number) => void): void;
  /** The producer released the channel (its partition was released or its slot went). */
  onClose(listener: () => void): void;
  /** The remote consumer granted `credits` more sends. */
  grant(credits: number): void;
  /** A buffer from `onBuffer`, written: the producer reuses it (no credit comes with it). */
  returnBuffer(buffer: ArrayBuffer): void;
  /** The channel ended on the consumer's side (cancelled, closed, or its connection lost). */
  close(): void;
  /** Fails the producing task (the connection to its consumer was lost). */
  failProducer(error: Error): void;
}

/** A producer slot behind a MessagePort whose other end it attached to the subpartition (protocol: transport.ts). */
export function portProducer(port: MessagePort, failProducer: (error: Error) => void): AttachedProducer {
  return {
    onBuffer: (listener) => port.on('message', (msg: [ArrayBuffer, number, number]) => listener(msg[0], msg[1], msg[2])),
    onClose: (listener) => port.once('close', listener),
    grant: (credits) => port.postMessage([credits, []]),
    returnBuffer: (buffer) => port.postMessage([0, [buffer]], [buffer]),
    close: () => port.close(),
    failProducer,
  };
}

/**
 * Finds result partitions for consumers on other TaskManagers: the TaskExecutor's PartitionBroker for
 * its data server, a slot's own partitions for the slot's (docs/network.md). Called on the server's event loop.
 */
export interface RemotePartitionProvider {
  /**
   * Resolves once `partitionKey` is registered here with the producer attached to a new channel; rejects
   * with PartitionNotFoundError when it does not appear within taskmanager.network.partition-request-timeout.
   */
  requestPartition(partitionKey: string, subpartition: number): Promise<AttachedProducer>;
}

interface ServedChannel {
  readonly receiverId: number;
  producer?: AttachedProducer;
  /** Credits that arrived while the partition was being looked up. */
  credits: number;
  done: boolean;
}

/**
 * The server side of one data connection (Flink's PartitionRequestServerHandler plus its queue of
 * readers): serves each PartitionRequest between its producer (`AttachedProducer`) and the socket.
 * Buffers from the producer are written as Buffer frames (copied, so each goes straight back to the
 * producer with no credit), credits from the socket go to the producer: it sends only what the remote
 * consumer granted, so back-pressure crosses the connection.
 */
export class PartitionRequestServerConnection implements DataConnectionHandler {
  private readonly channels = new Map<number, ServedChannel>();
  private connection!: DataConnection;
  private closedByPeer = false;

  constructor(
    private readonly provider: RemotePartitionProvider,
    private readonly maxChannels: number,
    private readonly onGone: (self: PartitionRequestServerConnection) => void,
  ) {}

  bind(connection: DataConnection): void {
    this.connection = connection;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  onFrame(frame: DataFrame): void {
    switch (frame.type) {
      case FRAME_PARTITION_REQUEST:
        this.serve(frame.receiverId, frame.partitionKey, frame.subpartition, frame.initialCredit);
        break;
      case FRAME_ADD_CREDIT: {
        const ch = this.channels.get(frame.receiverId);
        if (!ch) break; // raced with a cancel or release
        if (ch.producer) ch.producer.grant(frame.credits);
        else ch.credits += frame.credits;
        break;
      }
      case FRAME_CANCEL_PARTITION_REQUEST: {
        const ch = this.channels.get(frame.receiverId);
        if (ch) this.finish(ch);
        break;
      }
      case FRAME_CLOSE_REQUEST:
        this.closedByPeer = true;
        for (const ch of [...this.channels.values()]) this.finish(ch);
        this.connection.end();
        this.onGone(this);
        break;
      default:
        this.connection.fail(new CorruptDataFrameError(`A data server received a frame of type ${frame.type}, which only a server sends`, { type: frame.type }));
    }
  }

  onClose(error: Error | undefined): void {
    const cause = new RemoteTransportError(this.connection.peerAddress, error ? `lost (${error.message})` : 'closed by the consumer side', { cause: error });
    for (const ch of [...this.channels.values()]) {
      this.finish(ch);
      if (!this.closedByPeer) ch.producer?.failProducer(cause);
    }
    this.onGone(this);
  }

  /** Closes the connection (this TaskManager shuts down): the consumers on it fail with `reason`. */
  close(reason: Error): void {
    for (const ch of [...this.channels.values()]) this.finish(ch);
    this.connection.fail(reason);
  }

  private serve(receiverId: number, partitionKey: string, subpartition: number, initialCredit: number): void {
    if (this.channels.has(receiverId)) {
      this.connection.fail(new CorruptDataFrameError(`Receiver id ${receiverId} requested a partition twice on one connection`, { receiverId }));
      return;
    }
    if (this.channels.size >= this.maxChannels) {
      const error = new FlottError('TOO_MANY_CHANNELS', `The data connection already carries ${this.maxChannels} channels (taskmanager.network.max-channels-per-connection)`, { maxChannels: this.maxChannels });
      this.connection.write(encodeErrorResponse(receiverId, serializeError(error)));
      return;
    }
    const ch: ServedChannel = { receiverId, credits: initialCredit, done: false };
    this.channels.set(receiverId, ch);
    this.provider.requestPartition(partitionKey, subpartition).then(
      (producer) => this.attach(ch, producer),
      (e: unknown) => {
        if (ch.done) return;
        this.channels.delete(receiverId);
        ch.done = true;
        this.connection.write(encodeErrorResponse(receiverId, serializeError(e)));
      },
    );
  }

  private attach(ch: ServedChannel, producer: AttachedProducer): void {
    if (ch.done || this.connection.isClosed) {
      producer.close();
      return;
    }
    ch.producer = producer;
    producer.onBuffer((buffer, length, flags) => {
      if (ch.done) return;
      this.connection.write(encodeBufferFrame(ch.receiverId, flags, buffer, length));
      // Written means copied: the buffer goes back now, with no credit (credits come only from the consumer).
      producer.returnBuffer(buffer);
    });
    producer.onClose(() => {
      if (ch.done) return;
      // The producer released its partition: the consumer's channel ends too.
      this.connection.write(encodeCancelPartitionRequest(ch.receiverId));
      this.finish(ch);
    });
    if (ch.credits > 0) producer.grant(ch.credits);
    ch.credits = 0;
  }

  private finish(ch: ServedChannel): void {
    if (ch.done) return;
    ch.done = true;
    this.channels.delete(ch.receiverId);
    ch.producer?.close();
  }
}
