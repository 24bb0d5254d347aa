import { ConfigurationError, type Clock, type Configuration } from '@flott/core';
import { RestartStrategyOptions } from '@flott/runtime/common';
import type { RestartBackoffStrategy, RestartBackoffStrategyFactory } from '@flott/runtime/spi';

/**
 * `failure-rate`: restarts after `restart-strategy.failure-rate.delay` as long as no more than
 * `max-failures-per-interval` failures fall within any `failure-rate-interval` (Flink's
 * FailureRateRestartBackoffTimeStrategy): it keeps the times of the last max + 1 failures, and the
 * job fails when the oldest of them is within the interval of now.
 */
export class FailureRateRestartBackoffStrategy implements RestartBackoffStrategy {
  /** The times of the last (at most maxFailuresPerInterval + 1) failures, oldest first. */
  private readonly failureTimes: number[] = [];

  constructor(
    readonly maxFailuresPerInterval: number,
    readonly intervalMs: number,
    readonly delayMs: number,
    private readonly clock: Clock,
  ) {}

  notifyFailure(_cause: Error): void {
    if (this.isFull()) this.failureTimes.shift();
    this.failureTimes.push(this.clock.relativeTimeMillis());
  }

  canRestart(): boolean {
    return !this.isFull() || this.clock.relativeTimeMillis() - this.failureTimes[0] > this.intervalMs;
  }

  getBackoffTimeMs(): number {
    return this.delayMs;
  }

  describe(): string {
    return `FailureRate(max-failures-per-interval=${this.maxFailuresPerInterval}, interval=${this.intervalMs}ms, delay=${this.delayMs}ms)`;
  }

  private isFull(): boolean {
    return this.failureTimes.length > this.maxFailuresPerInterval;
  }
}

export class FailureRateRestartBackoffStrategyFactory implements RestartBackoffStrategyFactory {
  readonly name = 'failure-rate';
  readonly aliases = ['failurerate'] as const;

  create(config: Configuration, clock: Clock): RestartBackoffStrategy {
    const interval = config.get(RestartStrategyOptions.FAILURE_RATE_INTERVAL);
    // The other bounds are the options' own; a zero interval would never limit anything (Flink requires > 0).
    if (interval < 1) {
      throw new ConfigurationError(`'${RestartStrategyOptions.FAILURE_RATE_INTERVAL.key}' must be at least 1 ms, got ${interval} ms`, {
        key: RestartStrategyOptions.FAILURE_RATE_INTERVAL.key,
        value: interval,
      });
    }
    return new FailureRateRestartBackoffStrategy(
      config.get(RestartStrategyOptions.FAILURE_RATE_MAX_FAILURES_PER_INTERVAL),
      interval,
      config.get(RestartStrategyOptions.FAILURE_RATE_DELAY),
      clock,
    );
  }
}
