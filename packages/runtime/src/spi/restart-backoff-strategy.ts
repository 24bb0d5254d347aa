import type { Configuration } from '../config/configuration';
import type { Clock } from '../time/clock';

/**
 * Whether and when a failed job may restart (fixed-delay, exponential-delay, failure-rate, none).
 * Contract: the JobMaster calls `notifyFailure` once per failure, then `canRestart`; if true it waits
 * `getBackoffTimeMs()` before restarting. Called on the JobMaster's event loop only.
 */
export interface RestartBackoffStrategy {
  notifyFailure(cause: Error): void;
  canRestart(): boolean;
  getBackoffTimeMs(): number;
  /** Human-readable description for error messages ("FixedDelay(attempts=3, delay=1000ms)"). */
  describe(): string;
}

export interface RestartBackoffStrategyFactory {
  /** Config name (`restart-strategy.type`). */
  readonly name: string;
  /** Other accepted names (Flink accepts e.g. `fixeddelay` and `fixed-delay`). */
  readonly aliases?: readonly string[];
  create(config: Configuration, clock: Clock): RestartBackoffStrategy;
}
export const RestartBackoffStrategyFactory = Symbol.for('flott.RestartBackoffStrategyFactory');
