/** Where a valve sends what it decides. */
export interface ValveOutput {
  emitWatermark(watermark: number): void;
  /** true = every input channel is idle; false = active again. */
  emitWatermarkStatus(idle: boolean): void;
}

/**
 * Combines the watermarks and watermark statuses of a task's input channels (Flink's
 * StatusWatermarkValve). The output watermark is the minimum over the *aligned* channels: active, not
 * ended, and not behind the last output watermark. An idle channel leaves the minimum; when it turns
 * active again with a lower watermark it rejoins only once it catches up, so the output never goes
 * back. When all channels are idle the valve emits the highest channel watermark (if it advances)
 * and then IDLE; the first channel to turn active emits ACTIVE. A watermark on an idle channel turns
 * it active first (producers mark active before they emit, so this only adds robustness).
 * Mailbox thread only.
 */
export class WatermarkValve {
  private readonly channelWatermarks: Float64Array;
  private readonly ended: Uint8Array;
  private readonly idle: Uint8Array;
  private readonly aligned: Uint8Array;
  private current = Number.NEGATIVE_INFINITY;
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
    if (this.ended[channel]) return;
    if (this.idle[channel]) this.inputWatermarkStatus(channel, false);
    if (watermark <= this.channelWatermarks[channel]) return;
    this.channelWatermarks[channel] = watermark;
    if (!this.aligned[channel] && watermark >= this.current) this.aligned[channel] = 1;
    this.emitNewMinimum();
  }

  inputWatermarkStatus(channel: number, idle: boolean): void {
    if (this.ended[channel] || (this.idle[channel] === 1) === idle) return;
    if (idle) {
      this.idle[channel] = 1;
      this.aligned[channel] = 0;
      if (this.allOpenChannelsIdle()) this.becomeIdle();
      else if (this.channelWatermarks[channel] === this.current) this.emitNewMinimum();
    } else {
      this.idle[channel] = 0;
      if (this.channelWatermarks[channel] >= this.current) this.aligned[channel] = 1;
      if (this.outputIdle) {
        this.outputIdle = false;
        this.output.emitWatermarkStatus(false);
      }
    }
  }

  /** A channel ended: it no longer holds the watermark back. */
  channelEnded(channel: number): void {
    if (this.ended[channel]) return;
    this.ended[channel] = 1;
    this.aligned[channel] = 0;
    if (!this.outputIdle && this.allOpenChannelsIdle()) this.becomeIdle();
    else this.emitNewMinimum();
  }

  currentWatermark(): number {
    return this.current;
  }

  isIdle(): boolean {
    return this.outputIdle;
  }

  private allOpenChannelsIdle(): boolean {
    let open = 0;
    for (let i = 0; i < this.ended.length; i++) {
      if (this.ended[i]) continue;
      open++;
      if (!this.idle[i]) return false;
    }
    return open > 0;
  }

  private becomeIdle(): void {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.channelWatermarks.length; i++) {
      if (!this.ended[i] && this.channelWatermarks[i] > max) max = this.channelWatermarks[i];
    }
    if (max > this.current) {
      this.current = max;
      this.output.emitWatermark(max);
    }
    this.outputIdle = true;
    this.output.emitWatermarkStatus(true);
  }

  private emitNewMinimum(): void {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (let i = 0; i < this.channelWatermarks.length; i++) {
      if (!this.aligned[i]) continue;
      any = true;
      if (this.channelWatermarks[i] < min) min = this.channelWatermarks[i];
    }
    if (any && min > this.current) {
      this.current = min;
      this.output.emitWatermark(min);
    }
  }
}
