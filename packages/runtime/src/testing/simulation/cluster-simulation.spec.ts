import { TestingFailoverStrategyFactory } from '../testing-failover-strategy';
import { TestingRestartBackoffStrategy } from '../testing-restart-backoff-strategy';
import { TestingSchedulingStrategyFactory } from '../testing-scheduling-strategy';
import { runSimulation, type ClusterSimulationOptions } from './cluster-simulation';
import { SimulatedSinkStore } from './simulated-data-plane';
import { describeSweepFailures, seedRange, sweepSimulations } from './simulation-sweep';
import { SimulationInvariantError, SimulationStuckError } from './simulation-trace';

/**
 * Restart-all, eager, unlimited restarts: the runtime's testing strategies (the stock ones are a plugin;
 * @flott/scheduler-plugins sweeps with them).
 */
const testingStrategies: ClusterSimulationOptions['strategies'] = (scenario) => ({
  schedulingStrategyFactory: new TestingSchedulingStrategyFactory(),
  failoverStrategyFactory: new TestingFailoverStrategyFactory(),
  restartBackoffStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(Number.MAX_SAFE_INTEGER).withBackoffTimeMs(scenario.restartDelayMs),
});

/**
 * Seeds that failed before the runtime fix named beside them (found with these strategies). Each one
 * replays its run; add a seed here when a fix makes it pass (docs/simulation.md). A seed means a run
 * only for one version of the simulator: when a change to it (its scenario, network or tasks) moves
 * the runs, find the seeds again and replace them.
 */
const REGRESSION_SEEDS: ReadonlyArray<readonly [number, string]> = [
  [33, 'NOT_ENOUGH_SLOTS failed the job for good after a TaskManager was lost'],
  [144, 'an attempt being canceled whose FINISHED report was lost held the restart forever'],
  [51, 'a slot stayed allocated to a job that no longer knew it (requestSlot reply lost)'],
  [43, 'a task its TaskExecutor canceled without being asked left the job RUNNING forever'],
  [67, 'restarts deployed again and again into a slot the TaskExecutor had freed (SLOT_NOT_ALLOCATED)'],
  [153, 'same, deployments into a freed slot'],
  [13, 'a replaced sink attempt ran on after its slot was reported failed and committed twice'],
];

describe('cluster simulation', () => {
  it('reproduces a run exactly from its seed: the same trace byte for byte; another seed gives another trace', async () => {
    const first = await runSimulation({ seed: 7, strategies: testingStrategies });
    const again = await runSimulation({ seed: 7, strategies: testingStrategies });
    const other = await runSimulation({ seed: 8, strategies: testingStrategies });
    expect(again.trace).toBe(first.trace);
    expect(again.steps).toBe(first.steps);
    expect(other.trace).not.toBe(first.trace);
    expect(first.trace.split('\n').length).toBeGreaterThan(100);
  });

  it('runs the real roles to the end: the job finishes, checkpoints complete, the sink holds the failure-free output', async () => {
    const result = await runSimulation({ seed: 7, strategies: testingStrategies });
    expect(result.status).toBe('FINISHED');
    expect(result.checkpointsCompleted).toBeGreaterThan(0);
    expect(result.trace).toMatch(/task Source \(1\/\d\)#\d+ RUNNING on tm-\d/);
    expect(result.trace).toMatch(/sink Sink \(1\/\d\)#\d+ commits Sink-0\/c\d+/);
  });

  it('injects every kind of fault across a few seeds: lost and delayed messages, failed and slow checkpoint writes, dead TaskManagers', async () => {
    const totals = { lostMessages: 0, delayedMessages: 0, failedWrites: 0, slowWrites: 0, killed: 0 };
    for (const seed of seedRange(12)) {
      const result = await runSimulation({ seed, strategies: testingStrategies });
      for (const key of ['lostMessages', 'delayedMessages', 'failedWrites', 'slowWrites'] as const) totals[key] += result.injected[key];
      totals.killed += result.taskManagersKilled;
    }
    for (const count of Object.values(totals)) expect(count).toBeGreaterThan(0);
  });

  it.each(REGRESSION_SEEDS)('regression seed %d (%s) breaks no invariant and finishes', async (seed) => {
    const result = await runSimulation({ seed, strategies: testingStrategies });
    expect(result.status).toBe('FINISHED');
  });

  it('sweeps seeds and reports each failing one with the first one\'s trace', async () => {
    const result = await sweepSimulations(seedRange(20, 100), testingStrategies);
    expect(describeSweepFailures(result)).toBe('');
    expect(result.seeds).toBe(20);
  });

  it('fails loudly when the job cannot finish in time, naming the seed and what every task and slot is doing', async () => {
    const stuck = runSimulation({ seed: 7, strategies: testingStrategies, adjustScenario: (s) => ({ ...s, boundMs: 50 }) });
    await expect(stuck).rejects.toBeInstanceOf(SimulationStuckError);
    await expect(stuck).rejects.toThrow(/Simulation seed 7 did not finish within 50 ms of simulated time \(job [A-Z]+; Source 0#\d+ [A-Z]+, .*TaskExecutors: tm-1 .*ResourceManager: /);
  });

  it('fails loudly with the seed and the trace when an invariant breaks (a job that cannot restart ends FAILED)', async () => {
    const noRestarts: ClusterSimulationOptions['strategies'] = (scenario, clock, random) => ({ ...testingStrategies(scenario, clock, random), restartBackoffStrategy: new TestingRestartBackoffStrategy() });
    const failed = runSimulation({ seed: 13, strategies: noRestarts });
    await expect(failed).rejects.toBeInstanceOf(SimulationInvariantError);
    await expect(failed).rejects.toThrow(/^Simulation seed 13 broke an invariant: the job ended FAILED.*\nReplay it with FLOTT_SIM_SEED=13/s);
  });
});

describe('SimulatedSinkStore', () => {
  it('commits a transaction once and flags a record committed by two transactions', () => {
    const store = new SimulatedSinkStore();
    expect(store.commit('Sink-0/c1', [1, 2])).toBe(true);
    expect(store.commit('Sink-0/c1', [1, 2])).toBe(false);
    store.commit('Sink-0/c2', [2, 3]);
    expect(store.violations).toEqual(['record 2 committed twice: by Sink-0/c1 and by Sink-0/c2']);
    store.commit('Sink-0/c1', [9]);
    expect(store.violations[1]).toBe('transaction Sink-0/c1 committed again with other records (2 before, 1 now)');
    expect(store.committedRecords()).toEqual([1, 2, 3]);
  });
});
