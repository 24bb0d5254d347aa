import { runSimulation } from '@flott/runtime/testing';
import { stockSimulationStrategies } from './testing-fixtures/stock-simulation-strategies';

/**
 * Seeds of the simulator's sweep (cluster-simulation.it.spec.ts) that failed with the stock strategies
 * before the runtime fix named beside them; each replays its run (docs/simulation.md: adding one).
 */
const REGRESSION_SEEDS: ReadonlyArray<readonly [number, string]> = [
  [12, 'eager scheduling, region failover: a batch that got no slot failed only its first attempt; the other regions waited forever'],
  [62, 'same, after a slot request refused by a TaskManager that was still registering'],
  [101, 'same'],
  [202, 'same, at parallelism 3'],
  [232, 'same'],
  [388, 'a slot leaked after the job ended: the TaskExecutor freed it, its notifySlotAvailable was lost, and heartbeats never reconciled it'],
  [404, 'same'],
  [569, 'region failover: a second region failing while the first waited for its cancellations replaced its pending restart, which never ran'],
];

describe('cluster simulation regressions with the stock strategies', () => {
  it.each(REGRESSION_SEEDS)('seed %d (%s) breaks no invariant and finishes', async (seed) => {
    const result = await runSimulation({ seed, strategies: stockSimulationStrategies });
    expect(result.status).toBe('FINISHED');
  });
});
