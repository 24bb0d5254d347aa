import { Configuration, ConfigurationError } from '@flott/core';
import { ManualClock } from '@flott/runtime';
import { restartBackoffStrategyContractTests } from '@flott/runtime/testing';
import { FailureRateRestartBackoffStrategyFactory } from './failure-rate-restart-backoff-strategy';

const failureRate = (max: string, interval: string, delay: string): Configuration =>
  Configuration.fromRecord({
    'restart-strategy.failure-rate.max-failures-per-interval': max,
    'restart-strategy.failure-rate.failure-rate-interval': interval,
    'restart-strategy.failure-rate.delay': delay,
  });

const factory = new FailureRateRestartBackoffStrategyFactory();

restartBackoffStrategyContractTests(factory, [
  // Flink's defaults: 1 failure per minute, 1 s apart: the second failure 1 s after the first fails the job.
  { description: 'defaults', config: new Configuration(), allowedRestarts: 1 },
  { description: '3 per minute, 1 s delay', config: failureRate('3', '1 min', '1 s'), allowedRestarts: 3 },
  // Failing right after each restart, 10 s apart, never makes 3 failures within 10 s.
  { description: '2 per 10 s, 10 s delay', config: failureRate('2', '10 s', '10 s'), allowedRestarts: Infinity },
]);

describe('FailureRateRestartBackoffStrategy', () => {
  it('counts only the failures within the interval: the job fails on max + 1 of them, and restarts again once old ones age out', () => {
    const clock = new ManualClock(0);
    const strategy = factory.create(failureRate('2', '1 min', '5 s'), clock);
    const failAt = (t: number) => {
      clock.advance(t - clock.relativeTimeMillis());
      strategy.notifyFailure(new Error(`at ${t}`));
      return strategy.canRestart();
    };
    expect([failAt(0), failAt(10_000), strategy.getBackoffTimeMs()]).toEqual([true, true, 5_000]);
    // A third failure 60 s after the first is still within the interval (Flink: strictly older than it restarts).
    expect(failAt(60_000)).toBe(false);
    // 60 001 ms after 10 000: the window [0, 10 000, 60 000] slid to [10 000, 60 000, 70 001].
    expect(failAt(70_001)).toBe(true);
    expect(failAt(70_002)).toBe(false);
  });

  it('reads Flink keys and defaults, and describes itself', () => {
    const strategy = factory.create(new Configuration(), new ManualClock());
    expect(strategy.describe()).toBe('FailureRate(max-failures-per-interval=1, interval=60000ms, delay=1000ms)');
    expect([factory.name, ...factory.aliases]).toEqual(['failure-rate', 'failurerate']);
  });

  it('rejects a zero interval or fewer than one failure per interval, naming the key', () => {
    expect(() => factory.create(failureRate('1', '0 ms', '1 s'), new ManualClock())).toThrow(ConfigurationError);
    expect(() => factory.create(failureRate('1', '0 ms', '1 s'), new ManualClock())).toThrow('restart-strategy.failure-rate.failure-rate-interval');
    expect(() => factory.create(failureRate('0', '1 min', '1 s'), new ManualClock())).toThrow("for 'restart-strategy.failure-rate.max-failures-per-interval'");
  });
});
