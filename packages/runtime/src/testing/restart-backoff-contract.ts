/// <reference types="jest" />
import type { Configuration } from '@flott/core';
import type { RestartBackoffStrategy, RestartBackoffStrategyFactory } from '../spi/restart-backoff-strategy';
import { ManualClock } from '../time/clock';
import { SeededRandom } from '../time/random';

export interface RestartBackoffContractCase {
  readonly description: string;
  readonly config: Configuration;
  /**
   * Failures after which `canRestart()` is still true when the job fails again right after each
   * restart; the next one is refused. `Infinity` for a strategy that never gives up on such a job.
   */
  readonly allowedRestarts: number;
}

type Step = { canRestart: boolean; backoffMs: number };

/** How many failures an unbounded case is checked for. */
const UNBOUNDED_PROBE = 30;

/**
 * Runs `failures` failures of a job that fails again 1 ms after each restart: the clock moves on by
 * the backoff the strategy asked for, as the JobMaster's wait would. Wall-clock reads fail the test.
 */
function failRepeatedly(strategy: RestartBackoffStrategy, clock: ManualClock, failures: number): Step[] {
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
      const step = { canRestart: strategy.canRestart(), backoffMs: strategy.getBackoffTimeMs() };
      steps.push(step);
      if (!step.canRestart) continue;
      clock.advance(step.backoffMs + 1);
    }
  } finally {
    Date.now = realNow;
    performance.now = realPerformanceNow;
  }
  return steps;
}

/**
 * Contract of RestartBackoffStrategy (spi/restart-backoff-strategy.ts): for each configured case,
 * exactly `allowedRestarts` failures may restart and later ones may not when the job fails again right
 * after every restart; backoff times are finite and non-negative; results depend only on config, the
 * injected clock and the injected random source (same seed, same answers).
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
      const bounded = Number.isFinite(c.allowedRestarts);
      const run = (failures: number, start = 1_000_000, seed = 7): Step[] => {
        const clock = new ManualClock(start);
        return failRepeatedly(factory.create(c.config, clock, new SeededRandom(seed)), clock, failures);
      };

      if (bounded) {
        it(`${c.description}: allows exactly ${c.allowedRestarts} restart(s), then refuses`, () => {
          expect(run(c.allowedRestarts + 3).map((s) => s.canRestart)).toEqual([
            ...new Array<boolean>(c.allowedRestarts).fill(true),
            false, false, false,
          ]);
        });
      } else {
        it(`${c.description}: keeps allowing restarts`, () => {
          expect(run(UNBOUNDED_PROBE).every((s) => s.canRestart)).toBe(true);
        });
      }

      it(`${c.description}: backoff times are finite and non-negative`, () => {
        for (const step of run(bounded ? c.allowedRestarts + 1 : UNBOUNDED_PROBE, 0)) {
          expect(Number.isFinite(step.backoffMs) && step.backoffMs >= 0).toBe(true);
        }
      });

      it(`${c.description}: depends only on config, clock and random source`, () => {
        const failures = bounded ? c.allowedRestarts + 2 : UNBOUNDED_PROBE;
        expect(run(failures, 5_000, 11)).toEqual(run(failures, 5_000, 11));
      });

      it(`${c.description}: describes itself`, () => {
        const description = factory.create(c.config, new ManualClock(0), new SeededRandom(1)).describe();
        expect(description.trim().length).toBeGreaterThan(0);
      });
    }
  });
}
