/// <reference types="jest" />
import type { Configuration } from '../config/configuration';
import type { RestartBackoffStrategy, RestartBackoffStrategyFactory } from '../spi/restart-backoff-strategy';
import { ManualClock } from '../time/clock';

export interface RestartBackoffContractCase {
  readonly description: string;
  readonly config: Configuration;
  /** Failures after which `canRestart()` is still true while time stands still; the next one is refused. */
  readonly allowedRestarts: number;
}

type Step = { canRestart: boolean; backoffMs: number };

/** Runs `failures` failures without letting time pass; wall-clock reads fail the test. */
function failRepeatedly(strategy: RestartBackoffStrategy, failures: number): Step[] {
  const steps: Step[] = [];
  const realNow = Date.now;
  const realPerformanceNow = performance.now;
  const forbidden = (): never => {
    throw new Error('restart strategies must take time from the injected Clock, not Date.now/performance.now');
  };
  Date.now = forbidden;
  performance.now = forbidden;
  try {
    for (let i = 0; i < failures; i++) {
      strategy.notifyFailure(new Error(`failure ${i + 1}`));
      steps.push({ canRestart: strategy.canRestart(), backoffMs: strategy.getBackoffTimeMs() });
    }
  } finally {
    Date.now = realNow;
    performance.now = realPerformanceNow;
  }
  return steps;
}

/**
 * Contract of RestartBackoffStrategy (spi/restart-backoff-strategy.ts): for each configured case,
 * exactly `allowedRestarts` failures may restart and later ones may not while time stands still;
 * backoff times are finite and non-negative; results depend only on config and the injected clock.
 */
export function restartBackoffStrategyContractTests(
  factory: RestartBackoffStrategyFactory,
  cases: readonly RestartBackoffContractCase[],
): void {
  describe(`RestartBackoffStrategy contract: ${factory.name}`, () => {
    it('has a lowercase config name and distinct lowercase aliases', () => {
      const names = [factory.name, ...(factory.aliases ?? [])];
      for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9_-]*$/);
      expect(new Set(names).size).toBe(names.length);
    });

    for (const c of cases) {
      it(`${c.description}: allows exactly ${c.allowedRestarts} restart(s), then refuses`, () => {
        const strategy = factory.create(c.config, new ManualClock(1_000_000));
        const steps = failRepeatedly(strategy, c.allowedRestarts + 3);
        expect(steps.map((s) => s.canRestart)).toEqual([
          ...new Array<boolean>(c.allowedRestarts).fill(true),
          false, false, false,
        ]);
      });

      it(`${c.description}: backoff times are finite and non-negative`, () => {
        const strategy = factory.create(c.config, new ManualClock(0));
        for (const step of failRepeatedly(strategy, c.allowedRestarts + 1)) {
          expect(Number.isFinite(step.backoffMs) && step.backoffMs >= 0).toBe(true);
        }
      });

      it(`${c.description}: depends only on config and clock`, () => {
        const a = failRepeatedly(factory.create(c.config, new ManualClock(5_000)), c.allowedRestarts + 2);
        const b = failRepeatedly(factory.create(c.config, new ManualClock(5_000)), c.allowedRestarts + 2);
        expect(a).toEqual(b);
      });

      it(`${c.description}: describes itself`, () => {
        const description = factory.create(c.config, new ManualClock(0)).describe();
        expect(description.trim().length).toBeGreaterThan(0);
      });
    }
  });
}
