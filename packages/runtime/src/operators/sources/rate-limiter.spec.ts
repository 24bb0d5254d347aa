import { ManualClock } from '../../time/clock';
import { SourceRateLimiter } from './rate-limiter';

describe('SourceRateLimiter', () => {
  it('admits records as they fall due and wakes the source when the next one is due', () => {
    const clock = new ManualClock(1000);
    let wakeUps = 0;
    const limiter = new SourceRateLimiter(10, clock, clock, () => wakeUps++);
    // The first record is due at once; at 10/s the next is due every 100 ms.
    expect(limiter.admit(256)).toBe(1);
    expect(limiter.emitted(1)).toBe(false);
    expect(limiter.admit(256)).toBe(0);
    expect(wakeUps).toBe(0);
    clock.advance(99);
    expect(wakeUps).toBe(0);
    clock.advance(1);
    expect(wakeUps).toBe(1);
    clock.advance(400);
    expect(limiter.admit(256)).toBe(5);
    expect(limiter.admit(3)).toBe(3);
    expect(limiter.emitted(3)).toBe(true);
    expect(limiter.emitted(2)).toBe(false);
  });

  it('schedules one wake-up at a time, and none after cancel', () => {
    const clock = new ManualClock(0);
    let wakeUps = 0;
    const limiter = new SourceRateLimiter(1, clock, clock, () => wakeUps++);
    limiter.emitted(1);
    limiter.admit(1);
    limiter.admit(1);
    limiter.cancel();
    clock.advance(5000);
    expect(wakeUps).toBe(0);
    limiter.admit(1);
    clock.advance(1);
    expect(wakeUps).toBe(0);
  });
});
