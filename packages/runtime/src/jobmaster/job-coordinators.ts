import { FlottError } from '@flott/core';
import type { CheckpointedCoordinators } from '../checkpoint/checkpoint-coordinator';
import type { OperatorCoordinator, OperatorCoordinatorContext } from '../coordination/operator-coordinator';
import type { JobGraph } from '../deployment/job-graph';
import type { Logger } from '../logging/logger';
import type { CheckpointMetadata } from '../snapshot/snapshot-data';

/** An operator with a coordinator, as its provider sees it. */
export interface CoordinatedOperator {
  readonly operatorId: string;
  readonly name: string;
  /** Where main's graph has the operator (its StreamNode), to find the user's Source again. */
  readonly streamNodeId: number;
  readonly vertexId: string;
  readonly parallelism: number;
}

/** Creates the coordinator of an operator (Flink's OperatorCoordinator.Provider), on the JobMaster. */
export type OperatorCoordinatorProvider = (operator: CoordinatedOperator, context: OperatorCoordinatorContext) => OperatorCoordinator;

/** The job has an operator that needs a coordinator, and this JobManager cannot create it. */
export class OperatorCoordinatorUnavailableError extends FlottError {
  constructor(operator: CoordinatedOperator) {
    super(
      'OPERATOR_COORDINATOR_UNAVAILABLE',
      `Operator '${operator.name}' (id ${operator.operatorId}) needs a coordinator on the JobMaster (a unified source's SplitEnumerator), ` +
        `and this JobManager has no provider of operator coordinators`,
      { operatorId: operator.operatorId },
    );
  }
}

export interface JobCoordinatorsOptions {
  readonly jobGraph: JobGraph;
  readonly provider?: OperatorCoordinatorProvider;
  readonly log: Logger;
  /** Sends a coordinator's event to operator `operatorId` of a running attempt (through its TaskExecutor's gateway). */
  sendEventToTask(attemptId: string, operatorId: string, event: unknown): Promise<void>;
  failJob(cause: Error): void;
}

/**
 * The operator coordinators of one job (Flink's OperatorCoordinatorHolders), on the JobMaster's event
 * loop: created with the JobMaster, restored and started before the tasks are deployed, checkpointed
 * before the barriers (holding their events until the triggers went out), reset on failover, closed
 * with the job.
 */
export class JobCoordinators implements CheckpointedCoordinators {
  private readonly entries = new Map<string, { readonly operator: CoordinatedOperator; readonly coordinator: OperatorCoordinator }>();
  /**
   * Coordinators whose state a checkpoint took and whose events are held until its triggers went out
   * (Flink's OperatorEventValve), and those events in the order they were sent.
   */
  private readonly holding = new Set<string>();
  private readonly held: Array<() => void> = [];

  constructor(private readonly opts: JobCoordinatorsOptions) {
    for (const v of opts.jobGraph.vertices) {
      for (const op of v.operators) {
        if (!op.hasCoordinator) continue;
        const operator: CoordinatedOperator = { operatorId: op.operatorId, name: op.name, streamNodeId: op.streamNodeId, vertexId: v.id, parallelism: v.parallelism };
        if (!opts.provider) throw new OperatorCoordinatorUnavailableError(operator);
        const coordinator = opts.provider(operator, {
          operatorId: op.operatorId,
          operatorName: op.name,
          parallelism: v.parallelism,
          sendEventToTask: (attemptId, event) => this.send(op.operatorId, () => opts.sendEventToTask(attemptId, op.operatorId, event)),
          failJob: (cause) => opts.failJob(cause),
        });
        this.entries.set(op.operatorId, { operator, coordinator });
      }
    }
  }

  /** Whether the job has no coordinators (then nothing here waits: schedules and restarts go on at once). */
  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  private send(operatorId: string, fn: () => Promise<void>): Promise<void> {
    if (!this.holding.has(operatorId)) return fn();
    return new Promise((resolve, reject) => this.held.push(() => void fn().then(resolve, reject)));
  }

  /** Restores each coordinator from `restore` (the checkpoint or savepoint the job starts from), then starts it. */
  async start(restore?: CheckpointMetadata): Promise<void> {
    for (const { operator, coordinator } of this.entries.values()) {
      const state = restore?.operators.find((o) => o.operatorId === operator.operatorId)?.coordinatorState;
      if (restore) await coordinator.resetToCheckpoint(restore.checkpointId, state);
      coordinator.start();
    }
  }

  async handleEventFromOperator(operatorId: string, subtask: number, attemptId: string, event: unknown): Promise<void> {
    const entry = this.entries.get(operatorId);
    if (!entry) throw new FlottError('UNKNOWN_OPERATOR_EVENT', `No coordinator for the event of operator ${operatorId}`, { operatorId });
    await entry.coordinator.handleEventFromOperator(subtask, attemptId, event);
  }

  /**
   * Each coordinator's state for checkpoint `checkpointId`. Its events are held from the moment its
   * state is taken (the answer arrives after every event it sent before, which go out at once and so
   * reach the tasks ahead of the barrier, as they are part of the state the readers snapshot) until
   * `triggered`: an event sent after the snapshot must reach the tasks after the barrier.
   */
  async snapshot(checkpointId: number): Promise<ReadonlyMap<string, Uint8Array>> {
    const states = new Map<string, Uint8Array>();
    for (const [operatorId, { coordinator }] of this.entries) {
      states.set(operatorId, await coordinator.checkpointCoordinator(checkpointId));
      this.holding.add(operatorId);
    }
    return states;
  }

  triggered(): void {
    this.holding.clear();
    for (const release of this.held.splice(0)) release();
  }

  completed(checkpointId: number): void {
    for (const { coordinator } of this.entries.values()) coordinator.notifyCheckpointComplete(checkpointId);
  }

  attemptFailed(vertexId: string, subtask: number, attemptId: string): void {
    for (const { operator, coordinator } of this.entries.values()) if (operator.vertexId === vertexId) coordinator.executionAttemptFailed(subtask, attemptId);
  }

  /**
   * Subtasks restart from `restore` (undefined: from no checkpoint): every task (`global`) resets each
   * coordinator to its state there; otherwise each restarting subtask is reset in its coordinators.
   */
  async reset(subtasks: ReadonlyArray<{ readonly vertexId: string; readonly subtask: number }>, global: boolean, restore?: CheckpointMetadata): Promise<void> {
    for (const { operator, coordinator } of this.entries.values()) {
      if (global) {
        const state = restore?.operators.find((o) => o.operatorId === operator.operatorId)?.coordinatorState;
        await coordinator.resetToCheckpoint(restore?.checkpointId, state);
        continue;
      }
      for (const s of subtasks) if (s.vertexId === operator.vertexId) coordinator.subtaskReset(s.subtask, restore?.checkpointId);
    }
  }

  async close(): Promise<void> {
    this.triggered();
    for (const { operator, coordinator } of this.entries.values()) {
      await coordinator.close().catch((err: unknown) => this.opts.log.warn({ err }, `Closing the coordinator of '${operator.name}' failed.`));
    }
  }
}
