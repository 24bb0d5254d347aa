/**
 * Combines the watermarks of a task's input channels (Flink's StatusWatermarkValve): the input's
 * watermark is the minimum over its channels that have not ended; it only moves forward.
 */
export class WatermarkValve {
  private readonly channelWatermarks: Float64Array;
  private readonly ended: Uint8Array;
  private activeChannels: number;
  private current = Number.NEGATIVE_INFINITY;

  constructor(numChannels: number) {
    this.channelWatermarks = new Float64Array(numChannels).fill(Number.NEGATIVE_INFINITY);
    this.ended = new Uint8Array(numChannels);
    this.activeChannels = numChannels;
  }

  /** Returns the new combined watermark if it advanced, else undefined. */
  inputWatermark(channel: number, watermark: number): number | undefined {
    if (this.ended[channel] || watermark <= this.channelWatermarks[channel]) return undefined;
    this.channelWatermarks[channel] = watermark;
    return this.advance();
  }

  /** A channel ended: it no longer holds the watermark back. */
  channelEnded(channel: number): number | undefined {
    if (this.ended[channel]) return undefined;
    this.ended[channel] = 1;
    this.activeChannels--;
    return this.advance();
  }

  currentWatermark(): number {
    return this.current;
  }

  private advance(): number | undefined {
    if (this.activeChannels === 0) return undefined;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.channelWatermarks.length; i++) {
      if (!this.ended[i] && this.channelWatermarks[i] < min) min = this.channelWatermarks[i];
    }
    if (min > this.current) {
      this.current = min;
      return min;
    }
    return undefined;
  }
}
