import type { AttachedProducer } from './partition-request-server';
import type { ByteProducerEndpoint } from './transport';

type BufferListener = (buffer: ArrayBuffer, length: number, flags: number) => void;
type CreditListener = (credits: number, returned: ArrayBuffer[]) => void;

/**
 * A channel to a consumer on another TaskManager served from the producer's own slot thread (docs/network.md,
 * "Slot threads' own data servers"): `endpoint` is what the producer's subpartition attaches to, `producer`
 * what the connection's server side takes buffers from and grants credits to. No thread between them: a
 * buffer the subpartition sends is written to the socket before `sendBuffer` returns. Buffers and credits
 * go back to the subpartition in a microtask, never from inside its own `sendBuffer` (it would re-enter
 * its send loop); those that come before the subpartition listens are kept for it.
 */
export class DirectProducerChannel {
  private bufferListener: BufferListener | undefined;
  private creditListener: CreditListener | undefined;
  private closeListener: (() => void) | undefined;
  /** Buffers sent before the server side listened (only credited ones: at most the initial credit, plus unaligned overtakes). */
  private pendingSent: Array<[ArrayBuffer, number, number]> = [];
  private credits = 0;
  private returned: ArrayBuffer[] = [];
  private handBackScheduled = false;
  /** Either side ended the channel: nothing more is sent or granted. */
  private closed = false;
  /** The subpartition closed its end (released, perhaps before the server side listened). */
  private endedByProducer = false;

  constructor(private readonly failProducerTask: (error: Error) => void) {}

  readonly producer: AttachedProducer = {
    onBuffer: (listener) => {
      this.bufferListener = listener;
      const pending = this.pendingSent;
      this.pendingSent = [];
      for (const [buffer, length, flags] of pending) listener(buffer, length, flags);
    },
    onClose: (listener) => {
      this.closeListener = listener;
      if (this.endedByProducer) listener();
    },
    grant: (credits) => {
      this.credits += credits;
      this.scheduleHandBack();
    },
    returnBuffer: (buffer) => {
      this.returned.push(buffer);
      this.scheduleHandBack();
    },
    close: () => {
      this.closed = true;
      this.pendingSent = [];
    },
    failProducer: (error) => this.failProducerTask(error),
  };

  readonly endpoint: ByteProducerEndpoint = {
    sendBuffer: (buffer, length, flags = 0) => {
      if (this.closed) return;
      const listener = this.bufferListener;
      if (listener) listener(buffer, length, flags);
      else this.pendingSent.push([buffer, length, flags]);
    },
    onCredit: (listener) => {
      this.creditListener = listener;
      this.scheduleHandBack();
    },
    close: () => {
      if (this.closed) return;
      this.closed = true;
      this.endedByProducer = true;
      this.pendingSent = [];
      this.closeListener?.();
    },
  };

  private scheduleHandBack(): void {
    if (this.handBackScheduled || this.creditListener === undefined || this.closed) return;
    if (this.credits === 0 && this.returned.length === 0) return;
    this.handBackScheduled = true;
    queueMicrotask(this.handBack);
  }

  private readonly handBack = (): void => {
    this.handBackScheduled = false;
    if (this.closed) return;
    const credits = this.credits;
    const returned = this.returned;
    if (credits === 0 && returned.length === 0) return;
    this.credits = 0;
    this.returned = [];
    (this.creditListener as CreditListener)(credits, returned);
  };
}
