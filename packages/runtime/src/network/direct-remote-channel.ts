import type { RequestedConsumer } from './partition-request-client';
import type { ChannelBuffer } from './record-segment';
import { NextTurnDelivery, type ByteConsumerEndpoint } from './transport';

type CreditListener = (credits: number, returned: ArrayBuffer[]) => void;

/**
 * A channel from a producer on another TaskManager whose connection the consumer's own slot thread
 * holds (docs/network.md, "Slot threads' own connections"): `consumer` is what the connection's client
 * side delivers to and takes credits from, `endpoint` what the consumer's InputChannel connects to. No
 * thread between them: a buffer read from the socket reaches the channel on the next turn of this
 * thread's loop, in a batch with the others that arrived meanwhile (as over a port), and a credit goes
 * into the socket when the channel grants it. Buffers the channel returns are the connection's to reuse.
 */
export class DirectRemoteChannel {
  private readonly delivery = new NextTurnDelivery();
  private creditListener: CreditListener | undefined;
  private closeListener: (() => void) | undefined;
  private pendingCredits = 0;
  private pendingReturned: ArrayBuffer[] = [];
  /** The producer side ended the channel (or it failed): nothing more is delivered or granted. */
  private ended = false;
  /** The consumer closed its end. */
  private closed = false;

  readonly consumer: RequestedConsumer = {
    onCredit: (listener) => {
      this.creditListener = listener;
      if (this.pendingCredits > 0 || this.pendingReturned.length > 0) {
        const [credits, returned] = [this.pendingCredits, this.pendingReturned];
        this.pendingCredits = 0;
        this.pendingReturned = [];
        listener(credits, returned);
      }
    },
    onClose: (listener) => {
      this.closeListener = listener;
    },
    deliver: (buffer, length, flags) => {
      if (!this.ended) this.delivery.push(buffer, length, flags);
    },
    close: () => {
      this.ended = true;
    },
  };

  readonly endpoint: ByteConsumerEndpoint = {
    onBuffer: (listener) => this.delivery.listen(listener),
    sendCredit: (credits: number, returnedBuffers: ChannelBuffer[]) => {
      if (this.ended || this.closed) return;
      // Only buffers come over a connection, so only buffers go back.
      const returned = returnedBuffers as ArrayBuffer[];
      const listener = this.creditListener;
      if (listener) {
        listener(credits, returned);
      } else {
        this.pendingCredits += credits;
        for (const b of returned) this.pendingReturned.push(b);
      }
    },
    close: () => {
      if (this.closed) return;
      this.closed = true;
      this.delivery.stop();
      this.closeListener?.();
    },
  };
}
