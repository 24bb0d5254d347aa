import { ConfigurationError, type Clock, type ConfigOption, type Configuration } from '@flott/core';
import { RestartStrategyOptions } from '@flott/runtime/common';
import type { Random } from '@flott/runtime/common';
import type { RestartBackoffStrategy, RestartBackoffStrategyFactory } from '@flott/runtime/spi';

export interface ExponentialDelaySettings {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly resetBackoffThresholdMs: number;
  readonly jitterFactor: number;
  /** Restarts allowed before the job fails; counted afresh after every reset. */
  readonly attemptsBeforeResetBackoff: number;
}

/**
 * `exponential-delay` (Flink's ExponentialDelayRestartBackoffTimeStrategy, Flink's current default
 * when a job checkpoints): the n-th restart in a row waits initial-backoff × multiplier^(n-1), plus or
 * minus up to jitter-factor of that, never less than initial-backoff nor more than max-backoff. A job
 * that runs reset-backoff-threshold past its last restart before failing again starts over at
 * initial-backoff with a fresh attempts-before-reset-backoff budget.
 *
 * As in Flink, a failure that arrives while a restart is still pending (before its restart time, e.g.
 * another region failing) joins that restart: it takes no attempt and does not grow the backoff.
 * Times come from the clock's monotonic reading.
 */
export class ExponentialDelayRestartBackoffStrategy implements RestartBackoffStrategy {
  /** Restarts since the last reset; the next backoff grows with it. */
  private attempt = 0;
  /** When the restart for the latest failure happens; -Infinity before the first failure. */
  private nextRestartAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly settings: ExponentialDelaySettings,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  notifyFailure(_cause: Error): void {
    const now = this.clock.relativeTimeMillis();
    if (now <= this.nextRestartAt) return;
    if (now - this.nextRestartAt >= this.settings.resetBackoffThresholdMs) this.attempt = 0;
    this.nextRestartAt = now + this.backoffOf(this.attempt);
    this.attempt++;
  }

  canRestart(): boolean {
    return this.attempt <= this.settings.attemptsBeforeResetBackoff;
  }

  getBackoffTimeMs(): number {
    if (this.nextRestartAt === Number.NEGATIVE_INFINITY) {
      throw new Error('ExponentialDelayRestartBackoffStrategy: getBackoffTimeMs() called before notifyFailure()');
    }
    return Math.max(0, this.nextRestartAt - this.clock.relativeTimeMillis());
  }

  describe(): string {
    const s = this.settings;
    const attempts = s.attemptsBeforeResetBackoff >= RestartStrategyOptions.EXPONENTIAL_DELAY_ATTEMPTS.defaultValue ? 'unlimited' : String(s.attemptsBeforeResetBackoff);
    return (
      `ExponentialDelay(initial=${s.initialBackoffMs}ms, max=${s.maxBackoffMs}ms, multiplier=${s.backoffMultiplier}, ` +
      `reset-threshold=${s.resetBackoffThresholdMs}ms, jitter=${s.jitterFactor}, attempts=${attempts})`
    );
  }

  private backoffOf(attempt: number): number {
    const { initialBackoffMs, maxBackoffMs, backoffMultiplier, jitterFactor } = this.settings;
    const base = Math.floor(initialBackoffMs * backoffMultiplier ** attempt);
    if (!Number.isFinite(base)) return maxBackoffMs; // after some thousand restarts in a row
    // Flink draws the jitter uniformly from the whole milliseconds in [-base × factor, +base × factor].
    const spread = Math.floor(base * jitterFactor);
    const jitter = spread === 0 ? 0 : Math.floor(this.random.nextDouble() * (2 * spread + 1)) - spread;
    return Math.max(initialBackoffMs, Math.min(base + jitter, maxBackoffMs));
  }
}

export class ExponentialDelayRestartBackoffStrategyFactory implements RestartBackoffStrategyFactory {
  readonly name = 'exponential-delay';
  readonly aliases = ['exponentialdelay'] as const;

  create(config: Configuration, clock: Clock, random: Random): RestartBackoffStrategy {
    return new ExponentialDelayRestartBackoffStrategy(readSettings(config), clock, random);
  }
}

function readSettings(config: Configuration): ExponentialDelaySettings {
  const o = RestartStrategyOptions;
  const settings: ExponentialDelaySettings = {
    initialBackoffMs: config.get(o.EXPONENTIAL_DELAY_INITIAL_BACKOFF),
    maxBackoffMs: config.get(o.EXPONENTIAL_DELAY_MAX_BACKOFF),
    backoffMultiplier: config.get(o.EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER),
    resetBackoffThresholdMs: config.get(o.EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD),
    jitterFactor: config.get(o.EXPONENTIAL_DELAY_JITTER_FACTOR),
    attemptsBeforeResetBackoff: config.get(o.EXPONENTIAL_DELAY_ATTEMPTS),
  };
  // Single values are validated by their options; these are Flink's remaining preconditions.
  atLeastOneMs(o.EXPONENTIAL_DELAY_INITIAL_BACKOFF, settings.initialBackoffMs);
  atLeastOneMs(o.EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, settings.resetBackoffThresholdMs);
  if (settings.maxBackoffMs < settings.initialBackoffMs) {
    throw new ConfigurationError(
      `'${o.EXPONENTIAL_DELAY_MAX_BACKOFF.key}' (${settings.maxBackoffMs} ms) must not be less than ` +
        `'${o.EXPONENTIAL_DELAY_INITIAL_BACKOFF.key}' (${settings.initialBackoffMs} ms)`,
      { key: o.EXPONENTIAL_DELAY_MAX_BACKOFF.key, value: settings.maxBackoffMs, initialBackoffMs: settings.initialBackoffMs },
    );
  }
  return settings;
}

function atLeastOneMs(option: ConfigOption<number>, value: number): void {
  if (value < 1) {
    throw new ConfigurationError(`'${option.key}' must be at least 1 ms, got ${value} ms`, { key: option.key, value });
  }
}
