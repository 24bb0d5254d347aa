import { createJobGraph } from '../../graph/job-graph-generator';
import type { JobGraph } from '../../deployment/job-graph';
import { StreamGraph } from '../../graph/stream-graph';
import { SeededRandom } from '../../time/random';
import type { FaultRates } from './simulation-faults';
import type { SimulatedWorkload } from './simulated-task';

/** The names of the stock strategies a scenario runs with (the caller maps them to implementations). */
export type SimulatedScheduling = 'eager' | 'pipelined-region' | 'lazy-from-sources';
export type SimulatedFailover = 'full' | 'region';
export type SimulatedRestart = 'fixed-delay' | 'exponential-delay';

/**
 * Everything a seed decides about a run: the cluster, the job, the strategies, the pace and the
 * faults. Faults stay within what the system promises to survive: they stop at `faultWindowMs`, lost
 * messages are bounded, every call has an rpc.ask-timeout, restarts are unlimited, and a dead
 * TaskManager is replaced.
 */
export interface SimulationScenario {
  readonly seed: number;
  readonly parallelism: number;
  /** `forward`: each source feeds one sink (a region per pair); `rebalance`: all to all (one region). */
  readonly edge: 'forward' | 'rebalance';
  readonly taskManagers: number;
  readonly slotsPerTaskManager: number;
  readonly workload: SimulatedWorkload;
  readonly faults: FaultRates;
  /** Faults happen only before this much simulated time. */
  readonly faultWindowMs: number;
  readonly maxLostMessages: number;
  /** When TaskManagers die (simulated ms), each replaced by a new one `replacementDelayMs` later. */
  readonly taskManagerKillsAtMs: readonly number[];
  readonly replacementDelayMs: number;
  readonly askTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly checkpointIntervalMs: number;
  readonly checkpointTimeoutMs: number;
  readonly tolerableFailedCheckpoints: number;
  readonly slotRequestTimeoutMs: number;
  readonly scheduling: SimulatedScheduling;
  readonly failover: SimulatedFailover;
  readonly restart: SimulatedRestart;
  readonly restartDelayMs: number;
  /** A run must end (and its slots be free) within this much simulated time. */
  readonly boundMs: number;
}

/** The scenario of `seed`: drawn from its own Random, so a seed always means the same scenario. */
export function scenarioForSeed(seed: number): SimulationScenario {
  const random = new SeededRandom(seed * 2654435761);
  const pick = <T>(options: readonly T[]): T => options[Math.floor(random.nextDouble() * options.length)];
  const between = (min: number, max: number): number => min + Math.floor(random.nextDouble() * (max - min + 1));
  const parallelism = between(1, 3);
  const slotsPerTaskManager = between(1, 2);
  const faultWindowMs = between(2_000, 12_000);
  const kills = pick([0, 0, 1, 1, 2]);
  const taskManagerKillsAtMs = Array.from({ length: kills }, () => between(200, faultWindowMs)).sort((a, b) => a - b);
  const heartbeatIntervalMs = pick([500, 1_000]);
  return {
    seed,
    parallelism,
    edge: pick(['forward', 'rebalance'] as const),
    taskManagers: Math.ceil(parallelism / slotsPerTaskManager) + between(0, 1),
    slotsPerTaskManager,
    workload: { recordsPerSubtask: between(20, 60), recordsPerTick: between(2, 6), tickMs: pick([50, 100]), partitionRequestTimeoutMs: 5_000 },
    faults: {
      messageLoss: pick([0, 0.005, 0.02]),
      messageDelay: pick([0, 0.02, 0.1]),
      maxMessageDelayMs: pick([200, 1_000, 3_000]),
      storageFailure: pick([0, 0.05, 0.2]),
      storageDelay: pick([0, 0.1, 0.3]),
      maxStorageDelayMs: pick([100, 1_000]),
    },
    faultWindowMs,
    maxLostMessages: between(0, 10),
    taskManagerKillsAtMs,
    replacementDelayMs: between(300, 5_000),
    askTimeoutMs: pick([1_000, 2_000]),
    heartbeatIntervalMs,
    heartbeatTimeoutMs: heartbeatIntervalMs * pick([3, 5]),
    checkpointIntervalMs: pick([100, 200, 500]),
    checkpointTimeoutMs: pick([1_000, 3_000]),
    tolerableFailedCheckpoints: pick([0, 3, 1_000]),
    slotRequestTimeoutMs: pick([3_000, 10_000]),
    scheduling: pick(['eager', 'pipelined-region', 'pipelined-region', 'lazy-from-sources'] as const),
    failover: pick(['full', 'region'] as const),
    restart: pick(['fixed-delay', 'exponential-delay'] as const),
    restartDelayMs: pick([0, 100, 500]),
    boundMs: 120_000,
  };
}

/** `Source` → `Sink` at the scenario's parallelism and edge, one slot-sharing group, unchained. */
export function simulatedJobGraph(scenario: SimulationScenario): JobGraph {
  const { parallelism } = scenario;
  const graph = new StreamGraph('simulated job', { parallelism, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: false });
  const notInstantiated = (): never => {
    throw new Error('Assertion failed: simulated tasks do not instantiate operators');
  };
  const node = (name: string, isSource: boolean) =>
    graph.addNode({ name, kind: name, parallelism, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource, operatorFactory: notInstantiated });
  const source = node('Source', true);
  const sink = node('Sink', false);
  graph.addEdge(source.id, sink.id, { kind: scenario.edge });
  return createJobGraph(graph, { jobId: `${'0'.repeat(24)}${(scenario.seed >>> 0).toString(16).padStart(8, '0')}` });
}

/** What the sink holds after a failure-free run: every record of every source once, sorted. */
export function failureFreeOutput(scenario: SimulationScenario): number[] {
  return Array.from({ length: scenario.parallelism * scenario.workload.recordsPerSubtask }, (_, i) => i);
}
