import { describeSweepFailures, runSimulation, seedCountFromEnvironment, seedFromEnvironment, seedRange, sweepSimulations } from '@flott/runtime/testing';
import { stockSimulationStrategies } from './testing-fixtures/stock-simulation-strategies';

// The simulator's CI sweep with the stock strategies (docs/simulation.md): FLOTT_SIM_SEEDS seeds (default
// 300, ~20 s here), or the one seed FLOTT_SIM_SEED, whose whole trace it prints.
const DEFAULT_SEEDS = 300;

describe('deterministic cluster simulation with the stock strategies', () => {
  const single = seedFromEnvironment();

  if (single !== undefined) {
    it(`replays seed ${single} and prints its trace`, async () => {
      const result = await runSimulation({ seed: single, strategies: stockSimulationStrategies }).catch((e: Error & { trace?: string }) => {
        process.stdout.write(`${e.trace ?? ''}\n`);
        throw e;
      });
      process.stdout.write(`${result.trace}\n`);
      process.stdout.write(`seed ${single}: ${result.status} after ${result.simulatedMs} ms simulated, ${result.steps} steps, faults ${JSON.stringify(result.injected)}\n`);
    });
    return;
  }

  it('breaks no invariant and finishes on every seed', async () => {
    const count = seedCountFromEnvironment(DEFAULT_SEEDS);
    const result = await sweepSimulations(seedRange(count), stockSimulationStrategies);
    if (result.failures.length > 0) throw new Error(describeSweepFailures(result));
    expect(result.seeds).toBe(count);
  }, 600_000);
});
