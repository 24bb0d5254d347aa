import type { Clock, Configuration } from '@flott/core';
import { RestartStrategyOptions } from '@flott/runtime/common';
import type { RestartBackoffStrategy, RestartBackoffStrategyFactory } from '@flott/runtime/spi';

/**
 * `fixed-delay`: restarts up to `restart-strategy.fixed-delay.attempts` times, waiting
 * `restart-strategy.fixed-delay.delay` before each (Flink's FixedDelayRestartBackoffTimeStrategy:
 * the failure count includes the current failure, so restarts are allowed while failures <= attempts).
 */
export class FixedDelayRestartBackoffStrategy implements RestartBackoffStrategy {
  private failures = 0;

  constructor(
    readonly maxAttempts: number,
    readonly delayMs: number,
  ) {}

  notifyFailure(_cause: Error): void {
    this.failures++;
  }

  canRestart(): boolean {
    return this.failures <= this.maxAttempts;
  }

  getBackoffTimeMs(): number {
    return this.delayMs;
  }

  describe(): string {
    return `FixedDelay(attempts=${this.maxAttempts}, delay=${this.delayMs}ms)`;
  }
}

export class FixedDelayRestartBackoffStrategyFactory implements RestartBackoffStrategyFactory {
  readonly name = 'fixed-delay';
  readonly aliases = ['fixeddelay', 'fixed_delay'] as const;

  create(config: Configuration, _clock: Clock): RestartBackoffStrategy {
    return new FixedDelayRestartBackoffStrategy(
      config.get(RestartStrategyOptions.FIXED_DELAY_ATTEMPTS),
      config.get(RestartStrategyOptions.FIXED_DELAY_DELAY),
    );
  }
}
