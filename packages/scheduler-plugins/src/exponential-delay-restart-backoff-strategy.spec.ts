import { Configuration, ConfigurationError } from '@flott/core';
import { ManualClock, SeededRandom } from '@flott/runtime';
import type { Random } from '@flott/runtime';
import type { RestartBackoffStrategy } from '@flott/runtime/spi';
import { restartBackoffStrategyContractTests } from '@flott/runtime/testing';
import { ExponentialDelayRestartBackoffStrategyFactory } from './exponential-delay-restart-backoff-strategy';

const factory = new ExponentialDelayRestartBackoffStrategyFactory();

const exponential = (settings: Record<string, string>): Configuration =>
  Configuration.fromRecord(Object.fromEntries(Object.entries(settings).map(([k, v]) => [`restart-strategy.exponential-delay.${k}`, v])));

/** Returns the given numbers in turn, then the last one forever. */
class TestingRandom implements Random {
  private next = 0;
  constructor(private readonly values: readonly number[]) {}
  nextDouble(): number {
    return this.values[Math.min(this.next++, this.values.length - 1)];
  }
}

const noJitter = new TestingRandom([0.5]);

/** A job that fails `after` ms after each restart; returns the backoff of each failure (undefined once refused). */
function failAfterEachRestart(strategy: RestartBackoffStrategy, clock: ManualClock, failures: number, after = 1): Array<number | undefined> {
  const backoffs: Array<number | undefined> = [];
  for (let i = 0; i < failures; i++) {
    strategy.notifyFailure(new Error(`failure ${i + 1}`));
    if (!strategy.canRestart()) {
      backoffs.push(undefined);
      continue;
    }
    const backoff = strategy.getBackoffTimeMs();
    backoffs.push(backoff);
    clock.advance(backoff + after);
  }
  return backoffs;
}

restartBackoffStrategyContractTests(factory, [
  { description: "Flink's defaults (no attempt limit)", config: new Configuration(), allowedRestarts: Infinity },
  { description: '3 attempts', config: exponential({ 'attempts-before-reset-backoff': '3' }), allowedRestarts: 3 },
  {
    description: '1 attempt, full jitter, multiplier 3',
    config: exponential({ 'attempts-before-reset-backoff': '1', 'jitter-factor': '1', 'backoff-multiplier': '3' }),
    allowedRestarts: 1,
  },
  {
    description: '5 attempts, 1 ms to 8 ms',
    config: exponential({ 'attempts-before-reset-backoff': '5', 'initial-backoff': '1 ms', 'max-backoff': '8 ms', 'reset-backoff-threshold': '1 min' }),
    allowedRestarts: 5,
  },
]);

describe('ExponentialDelayRestartBackoffStrategy', () => {
  it("reads Flink 2.x's defaults: 1 s initial, 1 min max, ×1.5, reset after 1 h, jitter 0.1, no attempt limit", () => {
    expect(factory.create(new Configuration(), new ManualClock(), noJitter).describe()).toBe(
      'ExponentialDelay(initial=1000ms, max=60000ms, multiplier=1.5, reset-threshold=3600000ms, jitter=0.1, attempts=unlimited)',
    );
  });

  it('multiplies the backoff after every restart in a row (Flink defaults without jitter)', () => {
    const clock = new ManualClock(0);
    const strategy = factory.create(exponential({ 'jitter-factor': '0' }), clock, noJitter);
    expect(failAfterEachRestart(strategy, clock, 6)).toEqual([1000, 1500, 2250, 3375, 5062, 7593]);
  });

  it('caps the backoff at max-backoff and keeps it there', () => {
    const clock = new ManualClock(0);
    const strategy = factory.create(
      exponential({ 'initial-backoff': '100 ms', 'max-backoff': '1 s', 'backoff-multiplier': '2', 'jitter-factor': '0' }),
      clock,
      noJitter,
    );
    expect(failAfterEachRestart(strategy, clock, 8)).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });

  it('adds at most ±jitter-factor of the backoff, never going below initial-backoff or above max-backoff', () => {
    const config = exponential({ 'initial-backoff': '100 ms', 'max-backoff': '1 s', 'backoff-multiplier': '2', 'jitter-factor': '0.25' });
    const extremes = (random: Random): Array<number | undefined> => {
      const clock = new ManualClock(0);
      return failAfterEachRestart(factory.create(config, clock, random), clock, 5);
    };
    // Bases 100, 200, 400, 800, 1600 ms; the jitter applies before the bounds (1600 − 400 is still above 1 s).
    expect(extremes(new TestingRandom([0]))).toEqual([100, 150, 300, 600, 1000]);
    expect(extremes(new TestingRandom([0.999_999]))).toEqual([125, 250, 500, 1000, 1000]);

    const thirdBackoffs = Array.from({ length: 200 }, (_, seed) => extremes(new SeededRandom(seed))[2]!);
    for (const b of thirdBackoffs) expect(b >= 300 && b <= 500).toBe(true);
    expect(Math.min(...thirdBackoffs)).toBeLessThan(320);
    expect(Math.max(...thirdBackoffs)).toBeGreaterThan(480);
  });

  it('allows attempts-before-reset-backoff restarts in a row, then fails the job', () => {
    const clock = new ManualClock(0);
    const strategy = factory.create(exponential({ 'attempts-before-reset-backoff': '2', 'jitter-factor': '0' }), clock, noJitter);
    expect(failAfterEachRestart(strategy, clock, 4)).toEqual([1000, 1500, undefined, undefined]);
  });

  describe('reset-backoff-threshold', () => {
    const config = exponential({ 'attempts-before-reset-backoff': '2', 'jitter-factor': '0', 'reset-backoff-threshold': '10 min' });
    const tenMinutes = 10 * 60_000;

    it('counts failures as in a row while the job ran less than the threshold past its restart', () => {
      const clock = new ManualClock(0);
      expect(failAfterEachRestart(factory.create(config, clock, noJitter), clock, 3, tenMinutes - 1)).toEqual([1000, 1500, undefined]);
    });

    it('starts over at initial-backoff with a fresh attempt budget once the job ran the threshold past its restart', () => {
      const clock = new ManualClock(0);
      // Five restarts with a budget of two: every failure comes a full threshold after its restart.
      expect(failAfterEachRestart(factory.create(config, clock, noJitter), clock, 5, tenMinutes)).toEqual([1000, 1000, 1000, 1000, 1000]);
    });

    it('resets a grown backoff and a spent budget', () => {
      const clock = new ManualClock(0);
      const strategy = factory.create(config, clock, noJitter);
      expect(failAfterEachRestart(strategy, clock, 2)).toEqual([1000, 1500]);
      clock.advance(tenMinutes); // the job has now run 10 min + 1 ms since its last restart
      expect(failAfterEachRestart(strategy, clock, 3)).toEqual([1000, 1500, undefined]);
    });
  });

  it('merges a failure that arrives while a restart is pending into that restart', () => {
    const clock = new ManualClock(0);
    const strategy = factory.create(exponential({ 'attempts-before-reset-backoff': '1', 'jitter-factor': '0' }), clock, noJitter);
    strategy.notifyFailure(new Error('region 1'));
    clock.advance(400);
    strategy.notifyFailure(new Error('region 2'));
    expect(strategy.canRestart()).toBe(true);
    // The backoff counts down to the one restart time instead of growing.
    expect(strategy.getBackoffTimeMs()).toBe(600);
    clock.advance(600);
    strategy.notifyFailure(new Error('exactly at the restart time'));
    expect(strategy.canRestart()).toBe(true);
    clock.advance(1);
    strategy.notifyFailure(new Error('after the restart'));
    expect(strategy.canRestart()).toBe(false);
  });

  it('answers with what is left of the backoff when asked later', () => {
    const clock = new ManualClock(0);
    const strategy = factory.create(exponential({ 'jitter-factor': '0' }), clock, noJitter);
    strategy.notifyFailure(new Error('boom'));
    clock.advance(300);
    expect(strategy.getBackoffTimeMs()).toBe(700);
    clock.advance(5000);
    expect(strategy.getBackoffTimeMs()).toBe(0);
  });

  it('takes jitter from the injected random source only', () => {
    const config = exponential({ 'jitter-factor': '0.5' });
    const backoffs = (random: Random): Array<number | undefined> => {
      const clock = new ManualClock(0);
      return failAfterEachRestart(factory.create(config, clock, random), clock, 5);
    };
    expect(backoffs(new SeededRandom(42))).toEqual(backoffs(new SeededRandom(42)));
    expect(backoffs(new SeededRandom(42))).not.toEqual(backoffs(new SeededRandom(43)));
  });

  it.each<[string, Record<string, string>, string]>([
    ['max-backoff below initial-backoff', { 'initial-backoff': '2 s', 'max-backoff': '1 s' }, 'restart-strategy.exponential-delay.max-backoff'],
    ['initial-backoff of 0', { 'initial-backoff': '0 ms' }, 'restart-strategy.exponential-delay.initial-backoff'],
    ['reset-backoff-threshold of 0', { 'reset-backoff-threshold': '0 ms' }, 'restart-strategy.exponential-delay.reset-backoff-threshold'],
    ['backoff-multiplier of 1', { 'backoff-multiplier': '1' }, 'restart-strategy.exponential-delay.backoff-multiplier'],
    ['jitter-factor above 1', { 'jitter-factor': '1.5' }, 'restart-strategy.exponential-delay.jitter-factor'],
    ['no attempts', { 'attempts-before-reset-backoff': '0' }, 'restart-strategy.exponential-delay.attempts-before-reset-backoff'],
  ])('rejects %s naming the key', (_case, settings, key) => {
    const create = (): unknown => factory.create(exponential(settings), new ManualClock(), noJitter);
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(key);
  });

  it('fails loudly when asked for a backoff before any failure', () => {
    expect(() => factory.create(new Configuration(), new ManualClock(), noJitter).getBackoffTimeMs()).toThrow('before notifyFailure');
  });

  it('is known by its Flink names', () => {
    expect([factory.name, ...factory.aliases]).toEqual(['exponential-delay', 'exponentialdelay']);
  });
});
