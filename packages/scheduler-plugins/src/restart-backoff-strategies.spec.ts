import { Configuration, ConfigurationError } from '@flott/core';
import { ManualClock, RestartStrategyOptions } from '@flott/runtime';
import { restartBackoffStrategyContractTests } from '@flott/runtime/testing';
import { FixedDelayRestartBackoffStrategyFactory } from './fixed-delay-restart-backoff-strategy';
import { NoRestartBackoffStrategyFactory } from './no-restart-backoff-strategy';

const fixedDelay = (attempts: string, delay: string): Configuration =>
  Configuration.fromRecord({ 'restart-strategy.fixed-delay.attempts': attempts, 'restart-strategy.fixed-delay.delay': delay });

restartBackoffStrategyContractTests(new FixedDelayRestartBackoffStrategyFactory(), [
  { description: 'defaults', config: new Configuration(), allowedRestarts: 1 },
  { description: '3 attempts, 10 s delay', config: fixedDelay('3', '10 s'), allowedRestarts: 3 },
  { description: '0 attempts', config: fixedDelay('0', '1 ms'), allowedRestarts: 0 },
]);

restartBackoffStrategyContractTests(new NoRestartBackoffStrategyFactory(), [
  { description: 'defaults', config: new Configuration(), allowedRestarts: 0 },
  { description: 'fixed-delay options set anyway', config: fixedDelay('5', '1 s'), allowedRestarts: 0 },
]);

describe('FixedDelayRestartBackoffStrategy', () => {
  const factory = new FixedDelayRestartBackoffStrategyFactory();

  it('waits the configured delay before every restart', () => {
    const strategy = factory.create(fixedDelay('2', '1 min'), new ManualClock());
    strategy.notifyFailure(new Error('first'));
    expect([strategy.canRestart(), strategy.getBackoffTimeMs()]).toEqual([true, 60_000]);
    strategy.notifyFailure(new Error('second'));
    expect([strategy.canRestart(), strategy.getBackoffTimeMs()]).toEqual([true, 60_000]);
    strategy.notifyFailure(new Error('third'));
    expect(strategy.canRestart()).toBe(false);
  });

  it('reads the options through Configuration, with Flink defaults', () => {
    const strategy = factory.create(new Configuration().set(RestartStrategyOptions.FIXED_DELAY_ATTEMPTS, 4), new ManualClock());
    expect(strategy.describe()).toBe('FixedDelay(attempts=4, delay=1000ms)');
  });

  it('rejects a negative attempt count', () => {
    expect(() => factory.create(fixedDelay('-1', '1 s'), new ManualClock())).toThrow(ConfigurationError);
  });

  it('is known by its Flink names', () => {
    expect([factory.name, ...factory.aliases]).toEqual(['fixed-delay', 'fixeddelay', 'fixed_delay']);
  });
});

describe('NoRestartBackoffStrategy', () => {
  it('refuses the first failure and is known by its Flink names', () => {
    const factory = new NoRestartBackoffStrategyFactory();
    const strategy = factory.create(new Configuration(), new ManualClock());
    strategy.notifyFailure(new Error('boom'));
    expect([strategy.canRestart(), strategy.describe()]).toEqual([false, 'NoRestart']);
    expect([factory.name, ...factory.aliases]).toEqual(['none', 'off', 'disable']);
  });
});
