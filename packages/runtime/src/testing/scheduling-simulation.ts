import { ExecutionState } from '../execution/execution-state';
import type { SchedulingStrategy } from '../spi/scheduling-strategy';
import type { ExecutionVertexId, ResultPartitionId } from '../spi/scheduling-topology';
import type { TestingSchedulerOperations } from './testing-scheduler-operations';
import type { TestingSchedulingTopology } from './testing-scheduling-topology';

export interface SimulationOptions {
  /**
   * Whether deployed vertices finish once all their producers finished (a bounded job). Without it
   * they stay RUNNING, as in a streaming job, and BLOCKING results never become consumable.
   */
  readonly finishVertices: boolean;
}

/** What went wrong while the simulation played the JobMaster; empty when the strategy behaved. */
export interface SimulationResult {
  readonly deployedTwice: ExecutionVertexId[];
  readonly rounds: number;
}

/**
 * Plays the JobMaster around a scheduling strategy: every vertex the strategy deploys goes through
 * DEPLOYING → INITIALIZING → RUNNING (its PIPELINED partitions become consumable) and, in a bounded
 * job, FINISHED once its producers finished (its BLOCKING partitions become consumable). Callbacks
 * are delivered after the strategy's call returned, never re-entrantly, as on the JobMaster's loop.
 */
export class SchedulingSimulation {
  private processed = 0;
  private readonly consumable = new Set<ResultPartitionId>();

  constructor(
    private readonly topology: TestingSchedulingTopology,
    private readonly operations: TestingSchedulerOperations,
  ) {}

  /** Partitions already consumable before a restart: the simulation must not report them again. */
  markConsumable(partitions: Iterable<ResultPartitionId>): void {
    for (const p of partitions) this.consumable.add(p);
  }

  /** Forgets processed deployments (after `operations.clear()` for a restart). */
  resetDeployments(): void {
    this.processed = 0;
  }

  /** Runs until nothing changes any more; bounded by the topology's size. */
  run(strategy: SchedulingStrategy, options: SimulationOptions): SimulationResult {
    const deployedTwice: ExecutionVertexId[] = [];
    const maxRounds = this.topology.getVertexIds().length * 4 + 4;
    let rounds = 0;
    for (let progress = true; progress && rounds < maxRounds; rounds++) {
      progress = false;
      const deployed = this.operations.deployed();
      for (; this.processed < deployed.length; this.processed++) {
        const id = deployed[this.processed];
        if (this.topology.getVertex(id).state !== ExecutionState.CREATED) {
          deployedTwice.push(id);
          continue;
        }
        progress = true;
        this.startVertex(strategy, id);
      }
      if (options.finishVertices) progress = this.finishReadyVertices(strategy) || progress;
    }
    return { deployedTwice, rounds };
  }

  private startVertex(strategy: SchedulingStrategy, id: ExecutionVertexId): void {
    for (const state of [ExecutionState.SCHEDULED, ExecutionState.DEPLOYING, ExecutionState.INITIALIZING, ExecutionState.RUNNING]) {
      this.topology.setState(id, state);
      strategy.onExecutionStateChange(id, state);
    }
    for (const p of this.topology.getVertex(id).producedResults) {
      // A new attempt writes its partitions anew: they become consumable again.
      this.consumable.delete(p);
      if (this.topology.getResultPartition(p).resultType === 'PIPELINED') this.makeConsumable(strategy, p);
    }
  }

  private finishReadyVertices(strategy: SchedulingStrategy): boolean {
    let finishedAny = false;
    for (const v of this.topology.getVertices()) {
      if (v.state !== ExecutionState.RUNNING) continue;
      const producersDone = v.consumedResults.every(
        (p) => this.topology.getVertex(this.topology.getResultPartition(p).producer).state === ExecutionState.FINISHED,
      );
      if (!producersDone) continue;
      this.topology.setState(v.id, ExecutionState.FINISHED);
      strategy.onExecutionStateChange(v.id, ExecutionState.FINISHED);
      for (const p of v.producedResults) this.makeConsumable(strategy, p);
      finishedAny = true;
    }
    return finishedAny;
  }

  private makeConsumable(strategy: SchedulingStrategy, partition: ResultPartitionId): void {
    if (this.consumable.has(partition)) return;
    this.consumable.add(partition);
    strategy.onPartitionConsumable(partition);
  }
}
