/** Where a valve sends what it decides. */
export interface ValveOutput {
  emitWatermark(watermark: number): void;
  /** true = every input channel is idle; false = active again. */
  emitWatermarkStatus(idle: boolean): void;
}

/** What the valve knows of one input channel (for tests and diagnostics). */
export interface ValveChannelStatus {
  /** Highest watermark accepted on the channel (−∞ before the first one). */
  readonly watermark: number;
  readonly idle: boolean;
  /** Whether the channel counts for the output minimum: active, open and not behind the output. */
  readonly aligned: boolean;
  readonly ended: boolean;
}

/**
 * Combines the watermarks and watermark statuses of a task's input channels, with the rules of
 * Flink's StatusWatermarkValve:
 *
 * - The output watermark is the minimum over the *aligned* channels (active and not behind the last
 *   output watermark), emitted only when it advances. A channel's watermark only rises.
 * - A watermark is ignored while its channel is idle (or the whole valve is): only an ACTIVE status
 *   brings a channel back. Producers therefore mark themselves active before they emit a watermark.
 * - A channel that goes idle leaves the minimum; if it held the minimum, the others may advance it.
 * - When the last active channel goes idle, the valve first emits the highest watermark of all
 *   channels, but only if that channel was holding the output (its watermark equals the last output
 *   watermark; a channel still catching up flushes nothing), and then IDLE.
 * - A channel that turns active again is aligned at once if its watermark is not behind the output,
 *   otherwise once a watermark catches up. The first active channel of an idle valve emits ACTIVE.
 *
 * `channelEnded` is ours: Flink's valve hears nothing of an ended channel, whose last watermark there
 * is normally MAX so that it stops holding the output back by value. Here an ended channel leaves the
 * minimum in any case (also one that ended without MAX) and ignores later input; it counts as a
 * channel that went idle for good, so if it was the last active one the valve goes idle by the rule
 * above. A valve whose channels have all ended is not idle: that is the end of input, not idleness.
 *
 * Mailbox thread only.
 */
export class WatermarkValve {
  private readonly channelWatermarks: Float64Array;
  private readonly ended: Uint8Array;
  private readonly idle: Uint8Array;
  private readonly aligned: Uint8Array;
  private lastOutputWatermark = Number.NEGATIVE_INFINITY;
  private outputIdle = false;

  constructor(
    numChannels: number,
    private readonly output: ValveOutput,
  ) {
    this.channelWatermarks = new Float64Array(numChannels).fill(Number.NEGATIVE_INFINITY);
    this.ended = new Uint8Array(numChannels);
    this.idle = new Uint8Array(numChannels);
    this.aligned = new Uint8Array(numChannels).fill(1);
  }

  inputWatermark(channel: number, watermark: number): void {
    if (this.outputIdle || this.idle[channel] || this.ended[channel]) return;
    if (watermark <= this.channelWatermarks[channel]) return;
    this.channelWatermarks[channel] = watermark;
    if (!this.aligned[channel] && watermark >= this.lastOutputWatermark) this.aligned[channel] = 1;
    this.emitNewMinimum();
  }

  inputWatermarkStatus(channel: number, idle: boolean): void {
    if (this.ended[channel] || (this.idle[channel] === 1) === idle) return;
    if (idle) {
      this.idle[channel] = 1;
      this.leaveMinimum(channel);
    } else {
      this.idle[channel] = 0;
      if (this.channelWatermarks[channel] >= this.lastOutputWatermark) this.aligned[channel] = 1;
      if (this.outputIdle) {
        this.outputIdle = false;
        this.output.emitWatermarkStatus(false);
      }
    }
  }

  /** The channel reached the end of its partition: it no longer holds the watermark back. */
  channelEnded(channel: number): void {
    if (this.ended[channel]) return;
    this.ended[channel] = 1;
    // An idle channel already left the minimum and the active/idle decision.
    if (!this.idle[channel]) this.leaveMinimum(channel);
  }

  currentWatermark(): number {
    return this.lastOutputWatermark;
  }

  isIdle(): boolean {
    return this.outputIdle;
  }

  channelStatus(channel: number): ValveChannelStatus {
    return {
      watermark: this.channelWatermarks[channel],
      idle: this.idle[channel] === 1,
      aligned: this.aligned[channel] === 1,
      ended: this.ended[channel] === 1,
    };
  }

  /** An active channel went idle or ended. */
  private leaveMinimum(channel: number): void {
    this.aligned[channel] = 0;
    const heldOutput = this.channelWatermarks[channel] === this.lastOutputWatermark;
    if (this.noActiveOpenChannel()) {
      if (this.hasOpenChannel()) {
        if (heldOutput) this.emitMaximum();
        this.outputIdle = true;
        this.output.emitWatermarkStatus(true);
      }
    } else if (heldOutput) {
      this.emitNewMinimum();
    }
  }

  private noActiveOpenChannel(): boolean {
    for (let i = 0; i < this.ended.length; i++) if (!this.ended[i] && !this.idle[i]) return false;
    return true;
  }

  private hasOpenChannel(): boolean {
    return this.ended.includes(0);
  }

  /** Flush on going idle: no channel advances any more, so the highest watermark of all may go out. */
  private emitMaximum(): void {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.channelWatermarks.length; i++) {
      if (this.channelWatermarks[i] > max) max = this.channelWatermarks[i];
    }
    if (max > this.lastOutputWatermark) {
      this.lastOutputWatermark = max;
      this.output.emitWatermark(max);
    }
  }

  private emitNewMinimum(): void {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.channelWatermarks.length; i++) {
      if (this.aligned[i] && this.channelWatermarks[i] < min) min = this.channelWatermarks[i];
    }
    // No aligned channel: min stays +∞ and nothing goes out (Flink once emitted MAX here).
    if (min !== Number.POSITIVE_INFINITY && min > this.lastOutputWatermark) {
      this.lastOutputWatermark = min;
      this.output.emitWatermark(min);
    }
  }
}
