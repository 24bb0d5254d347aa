import { ManualClock } from '../time/clock';
import { TaskTimeMetrics } from './task-time-metrics';

describe('TaskTimeMetrics', () => {
  it('counts waits as idle or back-pressured and the rest of the elapsed time as busy', async () => {
    const clock = new ManualClock(0);
    const metrics = new TaskTimeMetrics(clock);
    expect(metrics.sample()).toEqual({ elapsedMs: 0, idleMs: 0, backPressuredMs: 0 });
    metrics.start();
    clock.advance(10); // busy
    let release!: () => void;
    const idle = metrics.measure('idle', new Promise<void>((r) => (release = r)));
    clock.advance(30);
    release();
    await idle;
    const blocked = metrics.measure('backPressured', Promise.resolve().then(() => clock.advance(50)));
    await blocked;
    clock.advance(10); // busy
    expect(metrics.sample()).toEqual({ elapsedMs: 100, idleMs: 30, backPressuredMs: 50 });
  });

  it('counts a wait that ended with a failure too', async () => {
    const clock = new ManualClock(0);
    const metrics = new TaskTimeMetrics(clock);
    metrics.start();
    await expect(metrics.measure('backPressured', Promise.resolve().then(() => {
      clock.advance(7);
      throw new Error('canceled');
    }))).rejects.toThrow('canceled');
    expect(metrics.sample()).toEqual({ elapsedMs: 7, idleMs: 0, backPressuredMs: 7 });
  });

  it('counts the wait in progress up to the sample, and not twice once it ends', async () => {
    const clock = new ManualClock(0);
    const metrics = new TaskTimeMetrics(clock);
    metrics.start();
    clock.advance(5); // busy
    let release!: () => void;
    const blocked = metrics.measure('backPressured', new Promise<void>((r) => (release = r)));
    clock.advance(20);
    expect(metrics.sample()).toEqual({ elapsedMs: 25, idleMs: 0, backPressuredMs: 20 });
    clock.advance(30);
    expect(metrics.sample()).toEqual({ elapsedMs: 55, idleMs: 0, backPressuredMs: 50 });
    release();
    await blocked;
    clock.advance(5); // busy
    expect(metrics.sample()).toEqual({ elapsedMs: 60, idleMs: 0, backPressuredMs: 50 });
  });
});
