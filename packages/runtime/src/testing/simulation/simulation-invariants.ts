import { decodeCheckpointMetadata } from '../../checkpoint/format/checkpoint-metadata-file';
import { ExecutionState, JobStatus, isGloballyTerminal } from '../../execution/execution-state';
import type { Execution } from '../../executiongraph/execution';
import type { JobMaster } from '../../jobmaster/job-master';
import type { ResourceManager } from '../../resourcemanager/resource-manager';
import type { TaskExecutor } from '../../taskexecutor/task-executor';
import type { CompletedCheckpointMetadata } from '../../spi/high-availability-services';
import type { Clock } from '@flott/core';
import type { SimulatedCheckpointStorage } from './simulated-checkpoint-storage';
import type { SimulatedSinkStore } from './simulated-data-plane';
import { subtaskKey, type SimulationLedger } from './simulation-ledger';

/** What the invariants look at. */
export interface InvariantSubjects {
  readonly clock: Clock;
  readonly jobMaster: JobMaster;
  readonly resourceManager: ResourceManager;
  /** The TaskExecutors alive now. */
  readonly liveTaskExecutors: () => readonly TaskExecutor[];
  readonly ledger: SimulationLedger;
  readonly sinkStore: SimulatedSinkStore;
  readonly storage: SimulatedCheckpointStorage;
  /** Completed checkpoints as the JobMaster added them to its store, in order. */
  readonly completedCheckpoints: readonly CompletedCheckpointMetadata[];
  /**
   * How long an attempt the JobMaster ended may still run in a slot: a cancel can be lost, and only
   * the next heartbeats (the JobMaster's reconcile, or the TaskExecutor's heartbeat timeout) end it.
   */
  readonly zombieBoundMs: number;
}

/**
 * The invariants of a simulated run, checked after every step (`afterStep`) and once the job ended
 * and the cluster had time to settle (`atEnd`). A broken one calls `violated`, which throws.
 */
export class SimulationInvariants {
  private readonly executions = new Map<string, Execution[]>();
  private checkedCheckpoints = 0;
  /** Broken while the runtime's own code ran (listeners must not throw into it): reported after the step. */
  private readonly seenInListeners: string[] = [];
  /** Attempts seen running in a slot although the JobMaster ended them, with when that was first seen. */
  private readonly zombiesSince = new Map<string, number>();

  constructor(
    private readonly s: InvariantSubjects,
    private readonly violated: (invariant: string) => never,
  ) {
    const graph = s.jobMaster.graph;
    graph.addJobStatusListener((from, to) => {
      if (from === JobStatus.FINISHED) this.seenInListeners.push(`the job left FINISHED for ${to}`);
    });
    graph.addExecutionStateListener((execution, _from, to) => {
      const vertex = graph.getExecutionVertex(execution.vertexId);
      const key = subtaskKey(vertex.jobVertex.id, vertex.subtaskIndex);
      const known = this.executions.get(key) ?? [];
      if (!known.includes(execution)) known.push(execution);
      this.executions.set(key, known);
      if (to !== ExecutionState.DEPLOYING) return;
      const other = known.find((e) => e !== execution && !e.isTerminal());
      if (other) this.seenInListeners.push(`two attempts of subtask ${key}: ${execution.attemptId} deploys while ${other.attemptId} is ${other.state}`);
    });
  }

  afterStep(): void {
    const { sinkStore, jobMaster } = this.s;
    if (this.seenInListeners.length > 0) this.violated(this.seenInListeners[0]);
    if (sinkStore.violations.length > 0) this.violated(`exactly-once output: ${sinkStore.violations[0]}`);
    const status = jobMaster.graph.state;
    const states = jobMaster.graph.getAllExecutionVertices().map((v) => v.executionState);
    const allFinished = states.every((state) => state === ExecutionState.FINISHED);
    if (status === JobStatus.FINISHED && !allFinished) this.violated(`the job is FINISHED while its tasks are ${states.join(', ')}`);
    if (status === JobStatus.RUNNING && allFinished) this.violated('the job is RUNNING although every task FINISHED');
    this.checkZombies();
    this.checkCompletedCheckpoints();
  }

  /** Once the job ended and the cluster settled: no slot leaked, nothing runs, and the output is exactly the failure-free one. */
  async atEnd(expectedOutput: readonly number[]): Promise<void> {
    const { jobMaster, resourceManager, ledger, sinkStore } = this.s;
    const status = jobMaster.graph.state;
    if (!isGloballyTerminal(status)) this.violated(`the job is ${status} at the end`);
    for (const tm of await resourceManager.requestTaskManagerInfo()) {
      if (tm.freeSlots !== tm.slotsNumber) this.violated(`slot leaked: the ResourceManager has ${tm.slotsNumber - tm.freeSlots} of TaskManager ${tm.resourceId}'s slots allocated after the job ended`);
    }
    for (const te of this.s.liveTaskExecutors()) {
      const held = te.slotAllocations().filter((slot) => slot.allocationId !== undefined);
      if (held.length > 0) this.violated(`slot leaked: TaskManager ${te.resourceId} still holds ${held.map((slot) => `${slot.slotIndex} (${slot.allocationId})`).join(', ')} after the job ended`);
    }
    const running = ledger.runningAttempts();
    if (running.length > 0) this.violated(`attempt ${running[0].attempt.attemptId} still runs after the job ended`);
    if (status !== JobStatus.FINISHED) this.violated(`the job ended ${status}, although every fault was one it must survive: ${jobMaster.graph.failureCause?.message}`);
    const committed = sinkStore.committedRecords();
    if (committed.length !== expectedOutput.length || committed.some((r, i) => r !== expectedOutput[i])) {
      const missing = expectedOutput.filter((r) => !committed.includes(r));
      this.violated(`exactly-once output: ${committed.length} records committed, ${expectedOutput.length} expected; missing ${missing.slice(0, 10).join(', ')}`);
    }
  }

  private checkZombies(): void {
    const now = this.s.clock.currentTimeMillis();
    const running = this.s.ledger.runningAttempts();
    const stillZombies = new Set<string>();
    for (const { attempt } of running) {
      const current = this.s.jobMaster.graph.findCurrentExecution(attempt.attemptId);
      if (current && !current.isTerminal()) continue;
      stillZombies.add(attempt.attemptId);
      const since = this.zombiesSince.get(attempt.attemptId) ?? now;
      this.zombiesSince.set(attempt.attemptId, since);
      if (now - since > this.s.zombieBoundMs) {
        const rival = running.find((r) => r.attempt !== attempt && r.attempt.vertexId === attempt.vertexId && r.attempt.subtaskIndex === attempt.subtaskIndex);
        this.violated(
          `attempt ${attempt.attemptId} on ${attempt.host} still runs ${now - since} ms after the JobMaster ended it (bound ${this.s.zombieBoundMs} ms)` +
            (rival ? `, while attempt ${rival.attempt.attemptId} of the same subtask runs on ${rival.attempt.host}` : ''),
        );
      }
    }
    for (const id of [...this.zombiesSince.keys()]) if (!stillZombies.has(id)) this.zombiesSince.delete(id);
  }

  private checkCompletedCheckpoints(): void {
    const { completedCheckpoints, jobMaster, ledger, storage } = this.s;
    for (; this.checkedCheckpoints < completedCheckpoints.length; this.checkedCheckpoints++) {
      const completed = completedCheckpoints[this.checkedCheckpoints];
      const acked = ledger.acknowledgedBy(completed.checkpointId);
      const bytes = storage.writtenMetadata(completed.externalPointer);
      if (!bytes) this.violated(`checkpoint ${completed.checkpointId} completed without metadata at ${completed.externalPointer}`);
      const metadata = decodeCheckpointMetadata(bytes, completed.externalPointer);
      // Every subtask acknowledged, or had finished (checkpoints after tasks finish): then it is recorded as finished, truly.
      const recordedFinished = (vertexId: string, subtaskIndex: number) =>
        jobMaster.graph.getJobVertex(vertexId).jobVertex.operators.every((o) => metadata.operators.find((m) => m.operatorId === o.operatorId)?.subtasks[subtaskIndex]?.finished === true);
      for (const vertex of jobMaster.graph.getAllExecutionVertices()) {
        const key = subtaskKey(vertex.jobVertex.id, vertex.subtaskIndex);
        const finished = recordedFinished(vertex.jobVertex.id, vertex.subtaskIndex);
        if (!acked.has(key) && !finished) this.violated(`checkpoint ${completed.checkpointId} completed without an acknowledgement of subtask ${key}`);
        if (finished && !ledger.hasFinished(key)) this.violated(`checkpoint ${completed.checkpointId} records subtask ${key} as finished, but no attempt of it finished`);
      }
      for (const op of metadata.operators) {
        const without = op.subtasks.findIndex((subtask) => subtask.operator === undefined && !subtask.finished);
        if (without >= 0) this.violated(`checkpoint ${completed.checkpointId} completed without the state of ${op.name} subtask ${without}`);
      }
    }
  }
}
