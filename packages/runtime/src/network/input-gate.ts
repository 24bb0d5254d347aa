import { NO_TIMESTAMP, type RecordSerializer } from '@flott/core';
import { InputChannel, type BarrierEvent, type ChannelRecorder, type InputChannelOwner } from './input-channel';
import { ElementKind, newInputElement, type InputElement } from './input-element';
import { initialCreditsPerChannel, type NetworkConfig } from './network-config';
import { NetworkReleasedError } from './network-errors';
import type { ConsumerEndpoint } from './transport';

export interface InputGateStats {
  buffersQueued: number;
  maxBuffersQueued: number;
}

/**
 * Consumer side of one task input (a JobEdge): one input channel per upstream producer subpartition.
 * Used on the consuming task's event loop only. Each channel grants buffersPerChannel credits plus
 * an equal share of floatingBuffersPerGate when it connects, so the gate never holds more than
 * numChannels x buffersPerChannel + floatingBuffersPerGate buffers.
 *
 * Order: elements of one channel come out in the order they were written (records, watermarks and
 * events in-band); the gate moves to another channel after finishing a buffer, so channels with data
 * take turns buffer by buffer.
 */
export class InputGate implements InputChannelOwner {
  readonly gateIndex: number;
  private readonly channels: InputChannel[];
  private readonly channelsWithData: InputChannel[] = [];
  private current: InputChannel | undefined;
  /** Reused for every element pollNext returns (see pollNext). */
  private readonly element: InputElement = newInputElement(0);
  private endedChannels = 0;
  private dataEndedChannels = 0;
  private buffersQueued = 0;
  private maxBuffersQueued = 0;
  private waiter: { promise: Promise<void>; resolve: () => void } | undefined;
  private released = false;
  /** Unaligned barriers that arrived, by channel, handed out ahead of all data. */
  private readonly priorityBarriers: Array<{ channel: number; barrier: BarrierEvent; announced: boolean }> = [];
  private readonly onPriorityEvent: (() => void) | undefined;

  constructor(opts: {
    gateIndex: number;
    numChannels: number;
    config: NetworkConfig;
    serializer: RecordSerializer<unknown>;
    /** Called when an unaligned barrier arrives (the task handles it even while its outputs are back-pressured). */
    onPriorityEvent?: () => void;
  }) {
    if (!Number.isInteger(opts.numChannels) || opts.numChannels < 1) {
      throw new Error(`Assertion failed: numChannels must be a positive integer, got ${opts.numChannels}`);
    }
    this.gateIndex = opts.gateIndex;
    this.onPriorityEvent = opts.onPriorityEvent;
    const credits = initialCreditsPerChannel(opts.config, opts.numChannels);
    this.channels = [];
    for (let i = 0; i < opts.numChannels; i++) {
      this.channels.push(new InputChannel(i, opts.serializer.createDecoder(), credits, this));
    }
  }

  get numChannels(): number {
    return this.channels.length;
  }

  /** Connects channel `channel` to its producer and grants the initial credits. */
  connectChannel(channel: number, endpoint: ConsumerEndpoint): void {
    const ch = this.channels[channel];
    if (ch === undefined) throw new Error(`Assertion failed: gate ${this.gateIndex} has no channel ${channel}`);
    if (this.released) {
      endpoint.close();
      return;
    }
    ch.connect(endpoint);
  }

  /**
   * The next decoded element if one is ready now, else undefined. The returned object is REUSED: it
   * is only valid until the next call (copy the fields you keep). end-of-partition comes out once per
   * channel as an EVENT; after the last one isFinished() is true (isDataFinished() already once every
   * channel delivered end-of-data or end-of-partition).
   */
  pollNext(): InputElement | undefined {
    if (this.released) throw new NetworkReleasedError(`Input gate ${this.gateIndex}`);
    const el = this.element;
    for (;;) {
      let ch = this.current;
      if (ch === undefined) {
        ch = this.channelsWithData.shift();
        if (ch === undefined) return undefined;
        ch.enqueued = false;
        this.current = ch;
      }
      if (ch.next(el)) {
        el.channel = ch.index;
        if (el.kind === ElementKind.EVENT) {
          const kind = el.event?.kind;
          if (kind === 'end-of-partition') this.endedChannels++;
          if ((kind === 'end-of-partition' || kind === 'end-of-data') && !ch.dataEnded) {
            ch.dataEnded = true;
            this.dataEndedChannels++;
          }
        }
        if (!ch.isInsideBuffer()) {
          // Finished a buffer: let the other channels have a turn.
          this.current = undefined;
          if (ch.hasData() && !ch.ended && !ch.blocked) this.enqueue(ch);
        }
        return el;
      }
      this.current = undefined;
    }
  }

  /** Resolves when pollNext may return something (or the gate is finished or released). */
  /**
   * The next unaligned barrier that arrived, ahead of all data (pollNext never returns these), or, with
   * `announced`, an aligned barrier (with a timeout) that arrived behind data (pollNext returns it in
   * its place later): the task takes them even while it cannot take data.
   */
  pollPriorityBarrier(): { readonly channel: number; readonly barrier: BarrierEvent; readonly announced: boolean } | undefined {
    return this.priorityBarriers.shift();
  }

  whenAvailable(): Promise<void> {
    if (this.current !== undefined || this.channelsWithData.length > 0 || this.priorityBarriers.length > 0 || this.isFinished() || this.released) {
      return Promise.resolve();
    }
    if (!this.waiter) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiter = { promise, resolve };
    }
    return this.waiter.promise;
  }

  isFinished(): boolean {
    return this.endedChannels === this.channels.length;
  }

  /** Every channel delivered end-of-data (or end-of-partition): no record comes any more, barriers and ends of partition may. */
  isDataFinished(): boolean {
    return this.dataEndedChannels === this.channels.length;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const ch of this.channels) ch.release();
    this.channelsWithData.length = 0;
    this.priorityBarriers.length = 0;
    this.current = undefined;
    this.wake();
  }

  stats(): InputGateStats {
    return { buffersQueued: this.buffersQueued, maxBuffersQueued: this.maxBuffersQueued };
  }

  /**
   * Holds channel `channel` back (checkpoint alignment, after it delivered a barrier): pollNext returns
   * nothing more of it until `resumeChannels`. Its buffers stay queued and unacknowledged, so its
   * producer runs out of credit instead of this gate buffering without bound.
   */
  blockChannel(channel: number): void {
    const ch = this.channels[channel];
    if (ch === undefined) throw new Error(`Assertion failed: gate ${this.gateIndex} has no channel ${channel}`);
    ch.blocked = true;
    if (this.current === ch) this.current = undefined;
    if (ch.enqueued) {
      ch.enqueued = false;
      this.channelsWithData.splice(this.channelsWithData.indexOf(ch), 1);
    }
  }

  /** Releases every blocked channel; those with data take their turn again. */
  resumeChannels(): void {
    let woke = false;
    for (const ch of this.channels) {
      if (!ch.blocked) continue;
      ch.blocked = false;
      if (!ch.ended && !ch.enqueued && ch.hasData()) {
        this.enqueue(ch);
        woke = true;
      }
    }
    if (woke) this.wake();
  }

  /** See InputChannel.startRecording. */
  startRecording(channel: number, recorder: ChannelRecorder, barrierReceived: boolean): void {
    this.channelAt(channel).startRecording(recorder, barrierReceived);
  }

  stopRecording(channel: number): void {
    this.channelAt(channel).stopRecording();
  }

  /** Channel state restored from an unaligned checkpoint, consumed before anything the channel receives. */
  restoreChannelState(channel: number, elements: readonly InputElement[]): void {
    this.channelAt(channel).restoreBacklog(elements);
  }

  priorityBarrier(channel: InputChannel, barrier: BarrierEvent): void {
    this.pushPriority(channel, barrier, false);
  }

  barrierAnnounced(channel: InputChannel, barrier: BarrierEvent): void {
    this.pushPriority(channel, barrier, true);
  }

  private pushPriority(channel: InputChannel, barrier: BarrierEvent, announced: boolean): void {
    if (this.released) return;
    this.priorityBarriers.push({ channel: channel.index, barrier, announced });
    this.wake();
    this.onPriorityEvent?.();
  }

  private channelAt(channel: number): InputChannel {
    const ch = this.channels[channel];
    if (ch === undefined) throw new Error(`Assertion failed: gate ${this.gateIndex} has no channel ${channel}`);
    return ch;
  }

  channelHasData(channel: InputChannel): void {
    if (channel === this.current || channel.enqueued || channel.ended || channel.blocked) return;
    this.enqueue(channel);
    this.wake();
  }

  bufferCountChanged(delta: number): void {
    this.buffersQueued += delta;
    if (this.buffersQueued > this.maxBuffersQueued) this.maxBuffersQueued = this.buffersQueued;
  }

  private enqueue(channel: InputChannel): void {
    channel.enqueued = true;
    this.channelsWithData.push(channel);
  }

  private wake(): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve();
    }
  }
}
