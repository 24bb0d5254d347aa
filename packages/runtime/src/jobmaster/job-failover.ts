import { FlottError, deserializeError, type Clock, type SerializedError } from '@flott/core';
import type { ExecutionGraph, ExecutionVertex } from '../executiongraph';
import { ExecutionState, JobStatus } from '../execution/execution-state';
import type { Logger } from '../logging/logger';
import type { TaskExecutorGateway } from '../rpc/gateways';
import type { RpcService } from '../rpc/rpc-service';
import type { FailoverStrategy } from '../spi/failover-strategy';
import type { RestartBackoffStrategy } from '../spi/restart-backoff-strategy';
import type { ExecutionVertexId } from '../spi/scheduling-topology';
import type { Scheduler } from '../time/clock';
import { resultPartitionKey } from '../deployment/task-deployment-descriptor';
import type { ExceptionHistory } from './exception-history';
import type { JobCheckpointing } from './job-checkpointing';
import type { JobCoordinators } from './job-coordinators';
import type { SlotPool } from './slot-pool';

/**
 * Failures no restart can fix (Flink's ThrowableType.NonRecoverableError): the job fails at once,
 * whatever the restart strategy allows. Too few slots in a cluster that cannot start TaskManagers
 * (the embedded MiniCluster) would otherwise restart forever under checkpointing's default strategy.
 */
const NON_RECOVERABLE = new Set(['NOT_ENOUGH_SLOTS', 'UNFULFILLABLE_RESOURCE_REQUIREMENT']);

function isNonRecoverable(cause: Error): boolean {
  const code = (cause as Partial<FlottError>).code;
  return code !== undefined && NON_RECOVERABLE.has(code);
}

/** What a job's failover needs from its JobMaster. */
export interface JobFailoverContext {
  readonly graph: ExecutionGraph;
  readonly log: Logger;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly rpc: RpcService;
  readonly failover: FailoverStrategy;
  readonly restartBackoffStrategy: RestartBackoffStrategy;
  /** Why the job has this restart strategy when `restart-strategy.type` did not name it (for the failure message). */
  readonly restartStrategyDefaultReason?: string;
  readonly exceptions: ExceptionHistory;
  readonly checkpointing: JobCheckpointing;
  readonly coordinators: JobCoordinators;
  readonly slotPool: SlotPool;
  /** What the job's attempts collected (the collect sink's records, the accumulators) starts over with a restart. */
  resetJobOutputs(): void;
  /** Redeploys restarted vertices (the scheduling strategy's restartTasks). */
  restartTasks(vertices: ReadonlySet<ExecutionVertexId>): void;
}

interface PendingRestart {
  readonly vertices: Set<ExecutionVertexId>;
  readonly restartingAll: boolean;
  readonly backoffMs: number;
}

/**
 * A job's failures and restarts (the failure handling of Flink's DefaultScheduler): records each
 * failure, asks the restart strategy whether the job may restart and the failover strategy which
 * vertices, cancels them, and once all are terminal, after the backoff, resets them to new attempts
 * from the latest checkpoint and redeploys them; otherwise it fails the job with the root cause.
 */
export class JobFailover {
  /**
   * Restarts waiting for their vertices to be canceled: one per failure, as with region failover
   * several regions fail independently (overlapping ones are merged, so no vertex restarts twice).
   */
  private pendingRestarts: PendingRestart[] = [];

  constructor(private readonly ctx: JobFailoverContext) {}

  /** Forgets a restart waiting for cancellations (the job is being cancelled instead). */
  dropPendingRestart(): void {
    this.pendingRestarts = [];
  }

  /**
   * While a restart waits for its vertices to be cancelled: runs it once they all are terminal.
   * Returns whether a restart was pending (the job then does not move on by itself).
   */
  progressPendingRestart(): boolean {
    if (this.pendingRestarts.length === 0) return false;
    const ready = this.pendingRestarts.filter((p) => [...p.vertices].every((id) => this.ctx.graph.getExecutionVertex(id).currentExecution.isTerminal()));
    this.pendingRestarts = this.pendingRestarts.filter((p) => !ready.includes(p));
    for (const p of ready) {
      const vertices = [...p.vertices].map((id) => this.ctx.graph.getExecutionVertex(id));
      this.ctx.scheduler.schedule(p.backoffMs, () => this.restart(vertices, p.restartingAll));
    }
    return true;
  }

  /** Waits for `restart`'s vertices to be canceled, together with any pending restart it overlaps. */
  private addPendingRestart(restart: PendingRestart): void {
    const overlapping = this.pendingRestarts.filter((p) => [...p.vertices].some((id) => restart.vertices.has(id)));
    this.pendingRestarts = this.pendingRestarts.filter((p) => !overlapping.includes(p));
    for (const p of overlapping) {
      for (const id of p.vertices) restart.vertices.add(id);
      restart = { vertices: restart.vertices, restartingAll: restart.restartingAll || p.restartingAll, backoffMs: Math.max(restart.backoffMs, p.backoffMs) };
    }
    this.pendingRestarts.push(restart);
  }

  /** A failure of the whole job (too many failed checkpoints): every task restarts, as the restart strategy allows. */
  onGlobalFailure(cause: Error): void {
    const first = this.ctx.graph.getAllExecutionVertices()[0];
    if (first) this.onTaskFailed(first, cause, undefined, true);
  }

  onTaskFailed(vertex: ExecutionVertex, cause: Error, serialized?: SerializedError, global = false): void {
    const status = this.ctx.graph.state;
    if (status !== JobStatus.RUNNING) return; // already restarting, failing or canceling
    this.ctx.exceptions.record(serialized ?? cause, this.ctx.clock.currentTimeMillis(), global ? undefined : {
      name: `${vertex.jobVertex.name} (${vertex.subtaskIndex + 1}/${vertex.jobVertex.parallelism})`,
      taskManagerId: vertex.currentExecution.assignedSlot?.taskManagerId,
    });
    this.ctx.checkpointing.onFailure(global ? cause.message : `task ${vertex.jobVertex.name} (${vertex.subtaskIndex + 1}/${vertex.jobVertex.parallelism}) failed`);
    const backoff = this.ctx.restartBackoffStrategy;
    backoff.notifyFailure(cause);
    const nonRecoverable = isNonRecoverable(cause);
    if (nonRecoverable || !backoff.canRestart()) {
      this.ctx.log.info(
        { task: vertex.jobVertex.name, subtask: vertex.subtaskIndex, restartStrategy: backoff.describe() },
        nonRecoverable
          ? `A restart cannot fix this failure; failing job ${this.ctx.graph.jobId}.`
          : `Restart strategy ${backoff.describe()} allows no more restarts; failing job ${this.ctx.graph.jobId}.`,
      );
      this.ctx.graph.transitionJobStatus(JobStatus.FAILING, this.rootCause(cause, serialized, nonRecoverable ? undefined : backoff.describe()));
      this.cancelVertices(this.ctx.graph.getAllExecutionVertices());
      return;
    }
    const toRestart = global ? new Set(this.ctx.graph.getAllExecutionVertices().map((v) => v.id)) : this.ctx.failover.getTasksNeedingRestart(vertex.id, cause);
    const restartingAll = toRestart.size === this.ctx.graph.getAllExecutionVertices().length;
    if (restartingAll) this.ctx.graph.transitionJobStatus(JobStatus.RESTARTING);
    const vertices = [...toRestart].map((id) => this.ctx.graph.getExecutionVertex(id));
    const backoffMs = backoff.getBackoffTimeMs();
    this.ctx.log.info(
      { task: vertex.jobVertex.name, subtask: vertex.subtaskIndex, restartStrategy: backoff.describe(), tasksToRestart: toRestart.size, backoffMs },
      `Restart strategy ${backoff.describe()} allows a restart: ${restartingAll ? 'all' : toRestart.size} task(s) restart in ${backoffMs} ms.`,
    );
    this.cancelVertices(vertices);
    this.addPendingRestart({ vertices: new Set(toRestart), restartingAll, backoffMs });
  }

  /** `strategy` undefined: the failure is non-recoverable, no restart was tried. */
  private rootCause(cause: Error, serialized: SerializedError | undefined, strategy: string | undefined): Error {
    const reason = this.ctx.restartStrategyDefaultReason;
    const restart = strategy === undefined
      ? 'a restart cannot fix this, so none was tried'
      : reason
        ? `restart strategy ${strategy}, ${reason}, allows no more restarts; set restart-strategy.type to choose another`
        : `restart strategy ${strategy} allows no more restarts`;
    return new FlottError('JOB_FAILED', `Job failed (${restart}): ${cause.message}`, {
      jobId: this.ctx.graph.jobId,
    }, { cause: serialized ? deserializeError(serialized) : cause });
  }

  private restart(vertices: ExecutionVertex[], restartingAll: boolean): void {
    if (this.ctx.graph.state !== JobStatus.RESTARTING && this.ctx.graph.state !== JobStatus.RUNNING) return;
    const oldPartitions = new Map<string, string[]>();
    for (const v of vertices) {
      const old = v.currentExecution;
      const slot = old.assignedSlot;
      if (slot) {
        const keys = this.ctx.graph.getProducedPartitions(v.id).map((p) => resultPartitionKey(p.id, old.attemptId));
        const addr = this.ctx.slotPool.allSlots().find((s) => s.allocationId === slot.allocationId)?.taskExecutorAddress;
        if (addr) oldPartitions.set(addr, [...(oldPartitions.get(addr) ?? []), ...keys]);
      }
      v.resetForNewExecution();
    }
    for (const [addr, keys] of oldPartitions) {
      // The old attempts' partitions are garbage: a TaskExecutor that cannot be told keeps them until the job's slots are freed.
      this.ctx.rpc.connect<TaskExecutorGateway>(addr).releasePartitions(this.ctx.graph.jobId, keys).catch((err: unknown) => {
        this.ctx.log.warn({ err, taskExecutor: addr, partitions: keys.length }, `Could not release ${keys.length} partition(s) of replaced attempts on ${addr}.`);
      });
    }
    // Restarted tasks start from the latest completed checkpoint (or the savepoint the job started from).
    this.ctx.checkpointing.onRestart();
    this.ctx.resetJobOutputs();
        if (restartingAll) this.ctx.graph.transitionJobStatus(JobStatus.RUNNING);
    // Coordinators are reset to the same checkpoint first (Flink: resetToCheckpoint / subtaskReset), so restarted readers meet the restored enumerator.
    const redeploy = (): void => {
      if (this.ctx.graph.state === JobStatus.RUNNING) this.ctx.restartTasks(new Set(vertices.map((v) => v.id)));
    };
    if (this.ctx.coordinators.isEmpty) return redeploy();
    const subtasks = vertices.map((v) => ({ vertexId: v.jobVertex.id, subtask: v.subtaskIndex }));
    this.ctx.coordinators.reset(subtasks, restartingAll, this.ctx.checkpointing.restoreMetadata).then(redeploy, (e: unknown) => this.onGlobalFailure(e instanceof Error ? e : new Error(String(e))));
  }

  cancelVertices(vertices: readonly ExecutionVertex[]): void {
    for (const v of vertices) {
      const e = v.currentExecution;
      if (e.isTerminal()) continue;
      if (e.state === ExecutionState.CREATED || e.state === ExecutionState.SCHEDULED) {
        e.transitionState(ExecutionState.CANCELED);
        continue;
      }
      if (e.state !== ExecutionState.CANCELING) e.transitionState(ExecutionState.CANCELING);
      const slot = e.assignedSlot;
      const addr = slot && this.ctx.slotPool.allSlots().find((s) => s.allocationId === slot.allocationId)?.taskExecutorAddress;
      if (addr) {
        // If the TaskExecutor cannot be reached, its task ends with it: its loss reaches the job as an allocation failure.
        this.ctx.rpc.connect<TaskExecutorGateway>(addr).cancelTask(e.attemptId).catch((err: unknown) => {
          this.ctx.log.warn({ err, task: v.jobVertex.name, subtask: v.subtaskIndex, attemptId: e.attemptId }, `Could not cancel attempt ${e.attemptId} on ${addr}.`);
        });
      }
      else e.transitionState(ExecutionState.CANCELED);
    }
  }
}
