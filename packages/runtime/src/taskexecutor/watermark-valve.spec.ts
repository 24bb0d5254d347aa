import { WatermarkValve, type ValveOutput } from './watermark-valve';

class RecordingValveOutput implements ValveOutput {
  readonly events: string[] = [];
  emitWatermark(watermark: number): void {
    this.events.push(`wm ${watermark}`);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.events.push(idle ? 'IDLE' : 'ACTIVE');
  }
}

function valve(n: number): { v: WatermarkValve; out: RecordingValveOutput } {
  const out = new RecordingValveOutput();
  return { v: new WatermarkValve(n, out), out };
}

describe('WatermarkValve', () => {
  it('emits the minimum over active channels, only when it advances', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 5);
    expect(out.events).toEqual([]);
    v.inputWatermark(2, 7);
    v.inputWatermark(1, 8);
    v.inputWatermark(1, 6); // a channel going back is ignored
    v.inputWatermark(2, 20);
    expect(out.events).toEqual(['wm 5', 'wm 7', 'wm 8']);
    expect(v.currentWatermark()).toBe(8);
  });

  it('leaves idle channels out of the minimum and does not stall on them', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 100);
    v.inputWatermarkStatus(1, true);
    expect(out.events).toEqual(['wm 100']);
    v.inputWatermark(0, 150);
    expect(out.events).toEqual(['wm 100', 'wm 150']);
  });

  it('keeps the output monotonic when an idle channel returns with a lower watermark', () => {
    const { v, out } = valve(2);
    v.inputWatermarkStatus(1, true);
    v.inputWatermark(0, 100);
    v.inputWatermarkStatus(1, false);
    v.inputWatermark(1, 50); // behind: not aligned, no effect on the output
    v.inputWatermark(0, 120);
    expect(out.events).toEqual(['wm 100', 'wm 120']);
    v.inputWatermark(1, 110); // still behind the output (120)
    v.inputWatermark(1, 130); // caught up: rejoins the minimum
    v.inputWatermark(0, 140);
    expect(out.events).toEqual(['wm 100', 'wm 120', 'wm 130']);
    v.inputWatermark(1, 145);
    expect(out.events).toEqual(['wm 100', 'wm 120', 'wm 130', 'wm 140']);
  });

  it('goes idle with the highest watermark when all channels are idle and active on the first one back', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 30);
    v.inputWatermark(1, 10);
    v.inputWatermarkStatus(1, true);
    v.inputWatermarkStatus(0, true);
    expect(out.events).toEqual(['wm 10', 'wm 30', 'IDLE']);
    expect(v.isIdle()).toBe(true);
    v.inputWatermarkStatus(0, true); // repeated: nothing
    v.inputWatermark(1, 40); // a watermark on an idle channel makes it active
    expect(out.events).toEqual(['wm 10', 'wm 30', 'IDLE', 'ACTIVE', 'wm 40']);
  });

  it('lets an idle channel that held the minimum release it', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 20);
    v.inputWatermark(2, 30);
    v.inputWatermarkStatus(0, true);
    expect(out.events).toEqual(['wm 10', 'wm 20']);
  });

  it('ignores ended channels, and is idle when every open channel is idle', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 5);
    v.channelEnded(1);
    expect(out.events).toEqual(['wm 5']);
    v.inputWatermarkStatus(0, true);
    expect(out.events).toEqual(['wm 5', 'IDLE']);
    v.inputWatermark(1, 99); // ended: ignored
    expect(out.events).toEqual(['wm 5', 'IDLE']);
  });
});
