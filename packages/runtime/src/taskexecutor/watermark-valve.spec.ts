import { WatermarkValve, type ValveOutput } from './watermark-valve';

/** Records the valve's output; `take()` returns what came out since the last take. */
class RecordingValveOutput implements ValveOutput {
  private events: string[] = [];
  emitWatermark(watermark: number): void {
    this.events.push(`wm ${watermark}`);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.events.push(idle ? 'IDLE' : 'ACTIVE');
  }
  take(): string[] {
    const taken = this.events;
    this.events = [];
    return taken;
  }
}

function valve(n: number): { v: WatermarkValve; out: RecordingValveOutput } {
  const out = new RecordingValveOutput();
  return { v: new WatermarkValve(n, out), out };
}

const IDLE = true;
const ACTIVE = false;

// The scenarios of Flink's StatusWatermarkValveTest; after every input the test checks the whole
// output since the previous check, so a redundant watermark or status fails it.
describe('WatermarkValve, one channel', () => {
  it('emits increasing watermarks', () => {
    const { v, out } = valve(1);
    v.inputWatermark(0, 0);
    expect(out.take()).toEqual(['wm 0']);
    v.inputWatermark(0, 25);
    expect(out.take()).toEqual(['wm 25']);
  });

  it('emits nothing for a decreasing watermark', () => {
    const { v, out } = valve(1);
    v.inputWatermark(0, 25);
    expect(out.take()).toEqual(['wm 25']);
    v.inputWatermark(0, 18);
    expect(out.take()).toEqual([]);
    v.inputWatermark(0, 42);
    expect(out.take()).toEqual(['wm 42']);
  });

  it('emits a status only when it toggles; channels start active', () => {
    const { v, out } = valve(1);
    v.inputWatermarkStatus(0, ACTIVE);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(0, IDLE);
    expect(out.take()).toEqual(['IDLE']);
    v.inputWatermarkStatus(0, IDLE);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(0, ACTIVE);
    expect(out.take()).toEqual(['ACTIVE']);
  });

  it('ignores a watermark while the channel is idle; only ACTIVE brings it back', () => {
    const { v, out } = valve(1);
    v.inputWatermark(0, 25);
    expect(out.take()).toEqual(['wm 25']);
    v.inputWatermarkStatus(0, IDLE);
    expect(out.take()).toEqual(['IDLE']);
    v.inputWatermark(0, 50);
    expect(out.take()).toEqual([]);
    expect(v.channelStatus(0)).toMatchObject({ watermark: 25, idle: true });
    expect(v.isIdle()).toBe(true);
    v.inputWatermarkStatus(0, ACTIVE);
    expect(out.take()).toEqual(['ACTIVE']);
    v.inputWatermark(0, 50);
    expect(out.take()).toEqual(['wm 50']);
  });
});

describe('WatermarkValve, several channels', () => {
  it('emits a watermark only once every channel has one', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 0);
    v.inputWatermark(1, 0);
    expect(out.take()).toEqual([]);
    v.inputWatermark(2, 0);
    expect(out.take()).toEqual(['wm 0']);
  });

  it('emits the new minimum as soon as it advances', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 0);
    v.inputWatermark(1, 0);
    v.inputWatermark(2, 0);
    expect(out.take()).toEqual(['wm 0']);
    v.inputWatermark(0, 12);
    v.inputWatermark(2, 8);
    v.inputWatermark(2, 10);
    expect(out.take()).toEqual([]);
    v.inputWatermark(1, 15); // channel 2 (10) is the minimum now
    expect(out.take()).toEqual(['wm 10']);
    v.inputWatermark(2, 17); // channel 0 (12)
    expect(out.take()).toEqual(['wm 12']);
    v.inputWatermark(0, 20); // channel 1 (15)
    expect(out.take()).toEqual(['wm 15']);
    expect(v.currentWatermark()).toBe(15);
  });

  it('emits nothing for decreasing watermarks', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 25);
    v.inputWatermark(1, 10);
    v.inputWatermark(2, 17);
    expect(out.take()).toEqual(['wm 10']);
    v.inputWatermark(0, 12);
    v.inputWatermark(1, 8);
    v.inputWatermark(2, 15);
    expect(out.take()).toEqual([]);
  });

  it('emits IDLE when the last channel goes idle and ACTIVE when the first comes back', () => {
    const { v, out } = valve(2);
    v.inputWatermarkStatus(0, ACTIVE);
    v.inputWatermarkStatus(1, ACTIVE);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(0, IDLE);
    expect(out.take()).toEqual(['IDLE']);
    v.inputWatermarkStatus(0, IDLE);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(1, ACTIVE);
    expect(out.take()).toEqual(['ACTIVE']);
    v.inputWatermarkStatus(0, ACTIVE);
    expect(out.take()).toEqual([]);
  });

  it('advances on the active channels while others are idle', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 15);
    v.inputWatermark(1, 10);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(2, IDLE);
    expect(out.take()).toEqual(['wm 10']);
    v.inputWatermark(1, 18);
    expect(out.take()).toEqual(['wm 15']);
    v.inputWatermark(0, 20);
    expect(out.take()).toEqual(['wm 18']);
  });

  it('advances as channels go idle one by one', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 25);
    v.inputWatermark(1, 10);
    v.inputWatermark(2, 17);
    expect(out.take()).toEqual(['wm 10']);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual(['wm 17']);
    v.inputWatermarkStatus(2, IDLE);
    expect(out.take()).toEqual(['wm 25']);
  });

  it('flushes the highest watermark of all channels, then IDLE, when the last one goes idle', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 5);
    v.inputWatermark(2, 3);
    expect(out.take()).toEqual(['wm 3']);
    v.inputWatermarkStatus(0, IDLE);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(2, IDLE);
    expect(out.take()).toEqual(['wm 10', 'IDLE']);
  });

  it('realigns a channel back from idle only once it catches up with the output', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 7);
    v.inputWatermark(2, 3);
    expect(out.take()).toEqual(['wm 3']);
    v.inputWatermarkStatus(2, IDLE);
    expect(out.take()).toEqual(['wm 7']);
    v.inputWatermarkStatus(2, ACTIVE);
    expect(v.channelStatus(2).aligned).toBe(false);
    v.inputWatermark(2, 5); // accepted, but behind the output
    expect(v.channelStatus(2).watermark).toBe(5);
    expect(out.take()).toEqual([]);
    v.inputWatermark(2, 9); // caught up
    expect(v.channelStatus(2).aligned).toBe(true);
    expect(out.take()).toEqual([]);
    v.inputWatermark(1, 12);
    expect(out.take()).toEqual(['wm 9']);
  });

  it('emits nothing while every active channel is still catching up', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 7);
    v.inputWatermarkStatus(2, IDLE);
    expect(out.take()).toEqual(['wm 7']);
    v.inputWatermarkStatus(2, ACTIVE); // back, but at −∞: not aligned
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(0, IDLE);
    v.inputWatermarkStatus(1, IDLE); // only channel 2 is active, and it is unaligned
    expect(out.take()).toEqual([]);
  });

  // Beyond Flink's test, on the same rules.

  it('aligns a channel back from idle at once when it is not behind the output', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 20);
    expect(out.take()).toEqual(['wm 10']);
    v.inputWatermarkStatus(1, IDLE);
    v.inputWatermarkStatus(1, ACTIVE);
    expect(v.channelStatus(1).aligned).toBe(true);
    v.inputWatermark(0, 30);
    expect(out.take()).toEqual(['wm 20']);
  });

  it('flushes nothing when the last active channel to go idle is still catching up', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 20);
    v.inputWatermark(2, 30);
    expect(out.take()).toEqual(['wm 10']);
    v.inputWatermarkStatus(2, IDLE);
    v.inputWatermarkStatus(0, IDLE);
    expect(out.take()).toEqual(['wm 20']);
    v.inputWatermarkStatus(0, ACTIVE); // at 10, behind the output: not aligned
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual([]);
    v.inputWatermarkStatus(0, IDLE); // its watermark (10) is not the output (20): no flush of 30
    expect(out.take()).toEqual(['IDLE']);
    expect(v.currentWatermark()).toBe(20);
  });

  it('ignores a watermark on an idle channel while others are active', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 5);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual(['wm 5']);
    v.inputWatermark(1, 3); // would not matter anyway
    v.inputWatermark(1, 8);
    v.inputWatermark(0, 9);
    expect(out.take()).toEqual(['wm 9']);
    expect(v.channelStatus(1)).toMatchObject({ idle: true, aligned: false });
    v.inputWatermarkStatus(1, ACTIVE); // its watermark is −∞: not aligned until it catches up
    v.inputWatermark(0, 12);
    expect(out.take()).toEqual(['wm 12']);
  });
});

describe('WatermarkValve.channelEnded', () => {
  it('stops an ended channel holding the output back, and ignores what it sends later', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 5);
    v.inputWatermark(1, 3);
    expect(out.take()).toEqual(['wm 3']);
    v.channelEnded(1);
    expect(out.take()).toEqual(['wm 5']);
    v.inputWatermark(1, 99);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual([]);
    v.inputWatermark(0, 7);
    expect(out.take()).toEqual(['wm 7']);
  });

  it('counts only open channels for idleness; an ended channel cannot bring the valve back', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 5);
    v.channelEnded(1);
    expect(out.take()).toEqual(['wm 5']);
    v.inputWatermarkStatus(0, IDLE);
    expect(out.take()).toEqual(['IDLE']);
    v.inputWatermarkStatus(1, ACTIVE);
    expect(out.take()).toEqual([]);
    expect(v.isIdle()).toBe(true);
  });

  it('makes the valve idle when the last active channel ends, flushing as a channel going idle', () => {
    const { v, out } = valve(3);
    v.inputWatermark(0, 30);
    v.inputWatermark(1, 20);
    v.inputWatermark(2, 10);
    expect(out.take()).toEqual(['wm 10']);
    v.inputWatermarkStatus(0, IDLE);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual([]);
    v.channelEnded(2); // it held the output (10): the highest watermark (30) goes out
    expect(out.take()).toEqual(['wm 30', 'IDLE']);
    v.inputWatermarkStatus(1, ACTIVE);
    expect(out.take()).toEqual(['ACTIVE']);
  });

  it('does not call the end of all input idleness', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 4);
    v.inputWatermark(1, 6);
    expect(out.take()).toEqual(['wm 4']);
    v.channelEnded(0);
    expect(out.take()).toEqual(['wm 6']);
    v.channelEnded(1);
    v.channelEnded(1);
    expect(out.take()).toEqual([]);
    expect(v.isIdle()).toBe(false);
  });

  it('lets an idle channel end without a change', () => {
    const { v, out } = valve(2);
    v.inputWatermark(0, 4);
    v.inputWatermarkStatus(1, IDLE);
    expect(out.take()).toEqual(['wm 4']);
    v.channelEnded(1);
    expect(out.take()).toEqual([]);
    v.inputWatermark(0, 8);
    expect(out.take()).toEqual(['wm 8']);
  });
});
