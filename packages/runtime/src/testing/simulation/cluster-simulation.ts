import { Configuration, type Clock } from '@flott/core';
import { CheckpointingOptions, HeartbeatOptions, TaskManagerOptions } from '../../config/options';
import { ExecutionState, JobStatus, isGloballyTerminal } from '../../execution/execution-state';
import { JobMaster } from '../../jobmaster/job-master';
import type { FailoverStrategyFactory } from '../../spi/failover-strategy';
import type { CompletedCheckpointMetadata } from '../../spi/high-availability-services';
import type { RestartBackoffStrategy } from '../../spi/restart-backoff-strategy';
import type { SchedulingStrategyFactory } from '../../spi/scheduling-strategy';
import { ManualClock } from '../../time/clock';
import { SeededRandom, type Random } from '../../time/random';
import { settle } from '../settle';
import { TestingCheckpointHighAvailability, TestingCompletedCheckpointStore } from '../testing-checkpoint-services';
import { testingJobSubmission } from '../testing-job-submission';
import { SimulatedCheckpointStorage } from './simulated-checkpoint-storage';
import { SimulatedCluster } from './simulated-cluster';
import { SimulatedNetwork } from './simulated-network';
import { SeededFaults } from './simulation-faults';
import { SimulationInvariants } from './simulation-invariants';
import { SimulationLedger } from './simulation-ledger';
import { failureFreeOutput, scenarioForSeed, simulatedJobGraph, type SimulationScenario } from './simulation-scenario';
import { SimulationInvariantError, SimulationStuckError, SimulationTrace } from './simulation-trace';

/** The real strategies a run uses (the stock ones live in a plugin package, so the caller supplies them). */
export interface SimulationStrategies {
  readonly schedulingStrategyFactory: SchedulingStrategyFactory;
  readonly failoverStrategyFactory: FailoverStrategyFactory;
  readonly restartBackoffStrategy: RestartBackoffStrategy;
}

export interface ClusterSimulationOptions {
  readonly seed: number;
  /** The strategies the scenario names, made with the run's clock and seeded Random. */
  readonly strategies: (scenario: SimulationScenario, clock: Clock, random: Random) => SimulationStrategies;
  /** Changes the seed's scenario (a test that wants particular faults); the seed still drives every draw. */
  readonly adjustScenario?: (scenario: SimulationScenario) => SimulationScenario;
}

export interface ClusterSimulationResult {
  readonly seed: number;
  readonly scenario: SimulationScenario;
  /** The run's event trace: byte for byte the same for the same seed. */
  readonly trace: string;
  readonly status: JobStatus;
  readonly simulatedMs: number;
  readonly steps: number;
  readonly injected: SeededFaults['injected'];
  readonly taskManagersKilled: number;
  readonly checkpointsCompleted: number;
}

const START_MILLIS = 1_000;

/**
 * Runs one seed: the real JobMaster, ResourceManager (with its SlotManager) and TaskExecutors, their
 * heartbeats, checkpoint coordinator and the given failover and restart strategies, in one process on
 * a ManualClock and a simulated network, with simulated slots and seeded faults. The clock jumps
 * from one timer to the next; after every step the invariants are checked. Rejects with a
 * SimulationInvariantError or SimulationStuckError carrying the seed and the trace.
 */
export async function runSimulation(options: ClusterSimulationOptions): Promise<ClusterSimulationResult> {
  const base = scenarioForSeed(options.seed);
  const scenario = options.adjustScenario ? options.adjustScenario(base) : base;
  const clock = new ManualClock(START_MILLIS);
  const trace = new SimulationTrace(clock);
  const random = new SeededRandom(scenario.seed ^ 0x5bd1e995);
  const faults = new SeededFaults(random, clock, scenario.faults, START_MILLIS + scenario.faultWindowMs, scenario.maxLostMessages);
  const network = new SimulatedNetwork(clock, faults, trace);
  const storage = new SimulatedCheckpointStorage(clock, () => faults.storageFate(), trace);
  const ledger = new SimulationLedger();
  const cluster = new SimulatedCluster({ scenario, clock, network, storage, ledger, trace });
  const completedCheckpoints: CompletedCheckpointMetadata[] = [];
  let killed = 0;
  trace.record(`scenario ${JSON.stringify(scenario)}`);
  try {
    await cluster.start();
    const strategies = options.strategies(scenario, clock, random);
    const jobMaster = new JobMaster({
      submission: testingJobSubmission(simulatedJobGraph(scenario)),
      configuration: jobConfiguration(scenario),
      rpc: cluster.jobManagerRpc,
      clock,
      scheduler: clock,
      resourceManager: cluster.resourceManagerLeader(),
      jobMasterId: 'simulated-jobmaster',
      ...strategies,
      onTerminal: (result) => trace.record(`job ${result.status}${result.error ? `: ${result.error.message}` : ''}`),
      checkpointServices: () => ({ storage, highAvailability: new TestingCheckpointHighAvailability(new RecordingCompletedCheckpointStore(completedCheckpoints)) }),
    });
    jobMaster.graph.addJobStatusListener((from, to) => trace.record(`job ${from} -> ${to}`));
    jobMaster.graph.addExecutionStateListener((execution, _from, to) => {
      if (to === ExecutionState.FAILED) trace.record(`jobmaster: ${execution.attemptId} FAILED: ${execution.failureCause?.message}`);
    });
    const zombieBoundMs = scenario.heartbeatTimeoutMs + 2 * scenario.heartbeatIntervalMs + 2 * scenario.askTimeoutMs + 2 * scenario.faults.maxMessageDelayMs;
    const invariants = new SimulationInvariants(
      { clock, jobMaster, resourceManager: cluster.resourceManager, liveTaskExecutors: () => cluster.liveTaskExecutors(), ledger, sinkStore: cluster.sinkStore, storage, completedCheckpoints, zombieBoundMs },
      (invariant) => {
        throw new SimulationInvariantError(scenario.seed, invariant, trace);
      },
    );
    for (const at of scenario.taskManagerKillsAtMs) {
      clock.schedule(at, () => {
        const hosts = cluster.liveHosts();
        if (hosts.length === 0) return;
        const victim = hosts[Math.floor(faults.nextDouble() * hosts.length)];
        killed++;
        trace.record(`fault: TaskManager ${victim} dies`);
        cluster.kill(victim);
        clock.schedule(scenario.replacementDelayMs, () => cluster.requestTaskManager());
      });
    }
    jobMaster.start();
    const deadline = START_MILLIS + scenario.boundMs;
    const quietAfterEndMs = zombieBoundMs + scenario.heartbeatTimeoutMs;
    let endedAt: number | undefined;
    let steps = 0;
    for (;;) {
      await settle();
      await cluster.startRequested();
      invariants.afterStep();
      const now = clock.currentTimeMillis();
      if (endedAt === undefined && isGloballyTerminal(jobMaster.graph.state)) endedAt = now;
      if (endedAt !== undefined && now >= endedAt + quietAfterEndMs && !faults.active) {
        await invariants.atEnd(failureFreeOutput(scenario));
        break;
      }
      const next = clock.nextTimerAt();
      if (now > deadline || next === undefined) throw new SimulationStuckError(scenario.seed, scenario.boundMs, await describeState(jobMaster, cluster), trace);
      clock.advance(Math.max(0, next - now));
      steps++;
    }
    return {
      seed: scenario.seed,
      scenario,
      trace: trace.format(),
      status: jobMaster.graph.state,
      simulatedMs: clock.currentTimeMillis() - START_MILLIS,
      steps,
      injected: faults.injected,
      taskManagersKilled: killed,
      checkpointsCompleted: completedCheckpoints.length,
    };
  } finally {
    await cluster.close();
  }
}

function jobConfiguration(scenario: SimulationScenario): Configuration {
  return new Configuration()
    .set(TaskManagerOptions.SLOT_REQUEST_TIMEOUT, scenario.slotRequestTimeoutMs)
    .set(HeartbeatOptions.INTERVAL, scenario.heartbeatIntervalMs)
    .set(HeartbeatOptions.TIMEOUT, scenario.heartbeatTimeoutMs)
    .set(CheckpointingOptions.INTERVAL, scenario.checkpointIntervalMs)
    .set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, scenario.checkpointTimeoutMs)
    .set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, scenario.tolerableFailedCheckpoints);
}

/** The job's and every subtask's state, and who holds which slot, for a stuck run's message. */
async function describeState(jobMaster: JobMaster, cluster: SimulatedCluster): Promise<string> {
  const tasks = jobMaster.graph.getAllExecutionVertices().map((v) => `${v.jobVertex.name} ${v.subtaskIndex}#${v.currentExecution.attemptNumber} ${v.executionState}`);
  const taskManagers = cluster.liveTaskExecutors().map((te) => `${te.resourceId} [${te.slotAllocations().map((slot) => slot.allocationId ?? 'free').join(', ')}]`);
  const resourceManager = (await cluster.resourceManager.requestTaskManagerInfo()).map((tm) => `${tm.resourceId} ${tm.freeSlots}/${tm.slotsNumber} free`);
  return `job ${jobMaster.graph.state}; ${tasks.join(', ')}; TaskExecutors: ${taskManagers.join('; ')}; ResourceManager: ${resourceManager.join(', ')}`;
}

/** The job's completed-checkpoint store, also listing every checkpoint added, for the invariants. */
class RecordingCompletedCheckpointStore extends TestingCompletedCheckpointStore {
  constructor(private readonly added: CompletedCheckpointMetadata[]) {
    super(1);
  }

  override async addCheckpoint(checkpoint: CompletedCheckpointMetadata): Promise<CompletedCheckpointMetadata[]> {
    this.added.push(checkpoint);
    return super.addCheckpoint(checkpoint);
  }
}
