import type { Clock, Configuration } from '@flott/core';
import type { RestartBackoffStrategy, RestartBackoffStrategyFactory } from '@flott/runtime/spi';

/** `none`: the first failure fails the job (Flink's NoRestartBackoffTimeStrategy). */
export class NoRestartBackoffStrategy implements RestartBackoffStrategy {
  notifyFailure(_cause: Error): void {
    // The answer never changes, so failures need not be counted.
  }

  canRestart(): boolean {
    return false;
  }

  getBackoffTimeMs(): number {
    return 0;
  }

  describe(): string {
    return 'NoRestart';
  }
}

export class NoRestartBackoffStrategyFactory implements RestartBackoffStrategyFactory {
  readonly name = 'none';
  readonly aliases = ['off', 'disable'] as const;

  create(_config: Configuration, _clock: Clock): RestartBackoffStrategy {
    return new NoRestartBackoffStrategy();
  }
}
