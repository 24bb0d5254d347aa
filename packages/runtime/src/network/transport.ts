import type { MessagePort } from 'worker_threads';
import { onNextTurn } from '../time/event-loop';
import type { ChannelBuffer, RecordSegment } from './record-segment';

/**
 * Flags of a sent buffer. WITHOUT_CREDIT: sent although the producer held no credit for it (the data an
 * unaligned barrier overtakes is pushed to the consumer, which stores it with the checkpoint); the
 * producer charges it to its credits all the same (its balance goes below zero), and the consumer
 * returns it with a credit like any other. PRIORITY: the buffer holds only an unaligned
 * checkpoint barrier, which the consumer handles before the data queued ahead of it. ANNOUNCES_BARRIER:
 * the buffer holds an in-band barrier of an aligned checkpoint with a timeout
 * (aligned-checkpoint-timeout), which the consumer announces on arrival (Flink's EventAnnouncement),
 * so the timeout can switch the checkpoint to unaligned while the barrier still waits behind data.
 */
export const BUFFER_WITHOUT_CREDIT = 1;
export const BUFFER_PRIORITY = 2;
export const BUFFER_ANNOUNCES_BARRIER = 4;

/**
 * Producer side of one channel (one producer subpartition -> one consumer input channel).
 * Contract: `sendBuffer` is called only while the producer holds an unused credit, on the producer's
 * event loop. The endpoint hands every sent buffer back exactly once through the credit listener's
 * `returnedBuffers` (after the consumer decoded it, or as soon as a copying transport such as TCP wrote
 * it) and reports newly granted credits as `credits`; the two counts are independent. Credits and
 * buffers that arrive before `onCredit` is registered are kept and delivered on registration.
 */
export interface ProducerEndpoint {
  sendBuffer(buffer: ArrayBuffer, length: number, flags?: number): void;
  /**
   * Present only where both ends share an event loop: sends a segment of records as objects, under
   * the same contract as sendBuffer (one credit, handed back through `returnedBuffers`).
   */
  sendSegment?(segment: RecordSegment, flags?: number): void;
  onCredit(listener: (credits: number, returnedBuffers: ChannelBuffer[]) => void): void;
  close(): void;
}

/**
 * Consumer side of one channel. Buffers arrive in send order; buffers that arrive before `onBuffer`
 * is registered are kept (at most the credits granted). `sendCredit` grants `credits` more sends and
 * returns consumed buffers for reuse (transferred, never copied, where the transport allows).
 */
export interface ConsumerEndpoint {
  /** `buffer` is a RecordSegment only on a channel whose producer can send them (sendSegment). */
  onBuffer(listener: (buffer: ChannelBuffer, length: number, flags: number) => void): void;
  sendCredit(credits: number, returnedBuffers: ChannelBuffer[]): void;
  close(): void;
}

/** The producer end of a channel that only carries bytes (a port, a socket): only buffers come back. */
export interface ByteProducerEndpoint extends ProducerEndpoint {
  sendSegment?: undefined;
  onCredit(listener: (credits: number, returnedBuffers: ArrayBuffer[]) => void): void;
}

/** The consumer end of a channel that only carries bytes (a port, a socket). */
export interface ByteConsumerEndpoint extends ConsumerEndpoint {
  onBuffer(listener: (buffer: ArrayBuffer, length: number, flags: number) => void): void;
}

type CreditListener = (credits: number, returnedBuffers: ChannelBuffer[]) => void;
type BufferListener = (buffer: ChannelBuffer, length: number, flags: number) => void;
type PortBufferListener = (buffer: ArrayBuffer, length: number, flags: number) => void;

/**
 * Both ends on one event loop: calls go straight through (no copy, no message), so a buffer the
 * producer sends is in the consumer's queue when `sendBuffer` returns. Carries segments of records
 * too (`sendSegment`), in order with the buffers.
 */
class LocalChannel {
  closed = false;
  creditListener?: CreditListener;
  bufferListener?: BufferListener;
  private pendingCredits = 0;
  private pendingReturned: ChannelBuffer[] = [];
  private pendingBuffers: Array<{ buffer: ChannelBuffer; length: number; flags: number }> = [];

  readonly producer: ProducerEndpoint = {
    sendBuffer: (buffer, length, flags = 0) => this.deliver(buffer, length, flags),
    sendSegment: (segment, flags = 0) => this.deliver(segment, segment.length, flags),
    onCredit: (listener) => {
      this.creditListener = listener;
      if (this.pendingCredits > 0 || this.pendingReturned.length > 0) {
        const credits = this.pendingCredits;
        const returned = this.pendingReturned;
        this.pendingCredits = 0;
        this.pendingReturned = [];
        listener(credits, returned);
      }
    },
    close: () => this.close(),
  };

  readonly consumer: ConsumerEndpoint = {
    onBuffer: (listener) => {
      this.bufferListener = listener;
      const pending = this.pendingBuffers;
      this.pendingBuffers = [];
      for (const p of pending) listener(p.buffer, p.length, p.flags);
    },
    sendCredit: (credits, returnedBuffers) => {
      if (this.closed) return;
      if (this.creditListener) this.creditListener(credits, returnedBuffers);
      else {
        this.pendingCredits += credits;
        for (const b of returnedBuffers) this.pendingReturned.push(b);
      }
    },
    close: () => this.close(),
  };

  private deliver(buffer: ChannelBuffer, length: number, flags: number): void {
    if (this.closed) return;
    if (this.bufferListener) this.bufferListener(buffer, length, flags);
    else this.pendingBuffers.push({ buffer, length, flags });
  }

  private close(): void {
    this.closed = true;
    this.pendingBuffers = [];
    this.pendingReturned = [];
  }
}

/** A channel whose producer and consumer run on the same thread. */
export function createLocalChannel(): { producer: ProducerEndpoint; consumer: ConsumerEndpoint } {
  const channel = new LocalChannel();
  return { producer: channel.producer, consumer: channel.consumer };
}

/*
 * MessagePort protocol (worker_threads): producer -> consumer posts `[buffer, length, flags]` transferring
 * `buffer`; consumer -> producer posts `[credits, returnedBuffers]` transferring the buffers back, so a
 * steady stream reuses the same few ArrayBuffers and allocates nothing. MessagePort queues messages
 * until a listener is attached, so either side may start first.
 */
type BufferMessage = [ArrayBuffer, number, number];
type CreditMessage = [number, ArrayBuffer[]];

class PortProducerEndpoint implements ByteProducerEndpoint {
  private closed = false;
  constructor(private readonly port: MessagePort) {
    port.once('close', () => {
      this.closed = true;
    });
  }
  sendBuffer(buffer: ArrayBuffer, length: number, flags = 0): void {
    if (this.closed) return;
    const msg: BufferMessage = [buffer, length, flags];
    this.port.postMessage(msg, [buffer]);
  }
  onCredit(listener: (credits: number, returnedBuffers: ArrayBuffer[]) => void): void {
    this.port.on('message', (msg: CreditMessage) => listener(msg[0], msg[1]));
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
  }
}

/**
 * Buffers that arrived for a channel, handed to its listener in one batch on the next turn of the
 * loop, not one by one as they come off a port or a socket. Node hands a port's queued messages over in
 * one loop and runs microtasks after each, so a consuming task woken by the first buffer would process
 * it before the next one is even taken off the port, again and again: the channel would look empty
 * after every buffer, and an unaligned barrier posted behind N buffers would be seen only after N
 * slices of processing (it must overtake them). Batched, the barrier reaches the input channel
 * together with the buffers ahead of it. Bounded like the channel's queue: only credited buffers, and
 * those an unaligned barrier pushed without credit, are ever in flight.
 */
export class NextTurnDelivery {
  private arrived: BufferMessage[] = [];
  private scheduled = false;
  private listener: PortBufferListener | undefined;
  /** Set when the consumer closed its end: what arrived is dropped, nothing more is handed over. */
  private stopped = false;

  listen(listener: PortBufferListener): void {
    this.listener = listener;
    this.schedule();
  }

  push(buffer: ArrayBuffer, length: number, flags: number): void {
    if (this.stopped) return;
    this.arrived.push([buffer, length, flags]);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.arrived = [];
  }

  private schedule(): void {
    if (this.scheduled || this.listener === undefined || this.arrived.length === 0) return;
    this.scheduled = true;
    onNextTurn(this.deliver);
  }

  private readonly deliver = (): void => {
    this.scheduled = false;
    const batch = this.arrived;
    this.arrived = [];
    const listener = this.listener as PortBufferListener;
    for (const msg of batch) {
      if (this.stopped) return;
      listener(msg[0], msg[1], msg[2]);
    }
  };
}

class PortConsumerEndpoint implements ByteConsumerEndpoint {
  private closed = false;
  private readonly delivery = new NextTurnDelivery();
  constructor(private readonly port: MessagePort) {
    port.once('close', () => {
      this.closed = true;
    });
  }
  onBuffer(listener: PortBufferListener): void {
    this.delivery.listen(listener);
    this.port.on('message', (msg: BufferMessage) => this.delivery.push(msg[0], msg[1], msg[2]));
  }
  sendCredit(credits: number, returnedBuffers: ChannelBuffer[]): void {
    if (this.closed) return;
    // Only buffers cross a port (its producer has no sendSegment), so only buffers come back.
    const buffers = returnedBuffers as ArrayBuffer[];
    const msg: CreditMessage = [credits, buffers];
    this.port.postMessage(msg, buffers);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
  }
}

/** Producer end of a channel over a worker_threads MessagePort (the consumer holds the other port). */
export function producerEndpointFromPort(port: MessagePort): ByteProducerEndpoint {
  return new PortProducerEndpoint(port);
}

/** Consumer end of a channel over a worker_threads MessagePort (the producer holds the other port). */
export function consumerEndpointFromPort(port: MessagePort): ByteConsumerEndpoint {
  return new PortConsumerEndpoint(port);
}
