import type { Configuration, Clock } from '@flott/core';
import type { Random } from '../time/random';

/**
 * Whether and when a failed job may restart (fixed-delay, exponential-delay, failure-rate, none).
 * Contract: the JobMaster calls `notifyFailure` once per failure, then `canRestart`; if true it waits
 * `getBackoffTimeMs()` before restarting (it may ask after the failed tasks are canceled, so a
 * strategy that fixes a restart time answers with what is left of it). Called on the JobMaster's
 * event loop only. Time comes from the injected Clock and randomness from the injected Random.
 */
export interface RestartBackoffStrategy {
  notifyFailure(cause: Error): void;
  canRestart(): boolean;
  getBackoffTimeMs(): number;
  /** Human-readable description for error messages ("FixedDelay(attempts=3, delay=1000ms)"). */
  describe(): string;
}
/** A job's own strategy, bound in its container (the factory below makes it). */
export const RestartBackoffStrategy = Symbol.for('flott.RestartBackoffStrategy');

export interface RestartBackoffStrategyFactory {
  /** Config name (`restart-strategy.type`). */
  readonly name: string;
  /** Other accepted names (Flink accepts e.g. `fixeddelay` and `fixed-delay`). */
  readonly aliases?: readonly string[];
  /** One strategy per job; invalid settings throw a ConfigurationError naming the key. */
  create(config: Configuration, clock: Clock, random: Random): RestartBackoffStrategy;
}
export const RestartBackoffStrategyFactory = Symbol.for('flott.RestartBackoffStrategyFactory');
