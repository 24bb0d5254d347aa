import type { RestartBackoffStrategy, RestartBackoffStrategyFactory } from '../spi/restart-backoff-strategy';

/**
 * A restart strategy for JobMaster tests: allows `maxRestarts` restarts (none by default, as `none`),
 * each after `backoffTimeMs`, and records every failure it was told about.
 */
export class TestingRestartBackoffStrategy implements RestartBackoffStrategy {
  readonly failures: Error[] = [];
  private maxRestarts = 0;
  private backoffTimeMs = 0;

  withMaxRestarts(maxRestarts: number): this {
    this.maxRestarts = maxRestarts;
    return this;
  }

  withBackoffTimeMs(backoffTimeMs: number): this {
    this.backoffTimeMs = backoffTimeMs;
    return this;
  }

  notifyFailure(cause: Error): void {
    this.failures.push(cause);
  }

  canRestart(): boolean {
    return this.failures.length <= this.maxRestarts;
  }

  getBackoffTimeMs(): number {
    return this.backoffTimeMs;
  }

  describe(): string {
    return `testing(maxRestarts=${this.maxRestarts}, backoff=${this.backoffTimeMs} ms)`;
  }
}

/** Creates a TestingRestartBackoffStrategy per job (configured by `configure`) and keeps them for the test. */
export class TestingRestartBackoffStrategyFactory implements RestartBackoffStrategyFactory {
  readonly instances: TestingRestartBackoffStrategy[] = [];

  constructor(
    private readonly configure: (strategy: TestingRestartBackoffStrategy) => TestingRestartBackoffStrategy = (s) => s,
    readonly name = 'testing',
  ) {}

  create(): TestingRestartBackoffStrategy {
    const strategy = this.configure(new TestingRestartBackoffStrategy());
    this.instances.push(strategy);
    return strategy;
  }
}
