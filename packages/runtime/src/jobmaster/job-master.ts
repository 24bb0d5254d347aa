import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { FlottError, deserializeError, serializeError, type Clock, type Configuration, type SerializedError } from '@flott/core';
import type { CheckpointPlan, CheckpointTask } from '../checkpoint/checkpoint-coordinator';
import { ClientOptions, TaskManagerOptions, WebOptions } from '../config/options';
import { ExecutionGraph, ExecutionGraphSchedulingTopology, type ExecutionVertex } from '../executiongraph';
import {
  ExecutionState,
  JobStatus,
  canTransitionExecution,
  isGloballyTerminal,
  isTerminalExecutionState,
} from '../execution/execution-state';
import { DEFAULT_SLOT_SHARING_GROUP } from '../graph/stream-graph';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type {
  CheckpointAcknowledgement,
  CheckpointDecline,
  ExecutionGraphInfo,
  JobDetailsInfo,
  JobMasterGateway,
  JobResultInfo,
  JobSubmission,
  OperatorEventEnvelope,
  ResourceManagerGateway,
  SlotOffer,
  TaskExecutionStateUpdate,
  TaskExecutorGateway,
  CollectedBatch,
  JobMasterRef,
} from '../rpc/gateways';
import { leaderGateway, type LeaderTracker } from '../leader/leader-tracker';
import type { RpcService } from '../rpc/rpc-service';
import type { FailoverStrategyFactory } from '../spi/failover-strategy';
import type { RestartBackoffStrategy } from '../spi/restart-backoff-strategy';
import type { SchedulingStrategy, SchedulingStrategyFactory } from '../spi/scheduling-strategy';
import type { ExecutionVertexId } from '../spi/scheduling-topology';
import type { Scheduler } from '../time/clock';
import { mergeAccumulatorValues } from '../execution/accumulators';
import { CollectCoordinator, isCollectEvent } from './collect-coordinator';
import { ExceptionHistory } from './exception-history';
import { executionGraphInfo } from './execution-graph-info';
import { createDeploymentDescriptor } from './deployment-descriptor';
import { resultPartitionKey } from '../deployment/task-deployment-descriptor';
import { ResourceSpecs, type ResourceSpec } from '../deployment/resource-spec';
import { SlotPool, type PhysicalSlot } from './slot-pool';
import { JobMasterHeartbeats } from './job-master-heartbeats';
import { heartbeatSettingsOf } from '../heartbeat/heartbeat-manager';
import { TaskManagerLostError } from '../errors';
import { JobCheckpointing, type CheckpointServices } from './job-checkpointing';
import { JobCoordinators, type OperatorCoordinatorProvider } from './job-coordinators';
import { stopWithSavepoint } from './stop-with-savepoint';
import { JobFailover } from './job-failover';

export class NotEnoughSlotsError extends FlottError {
  constructor(jobId: string, needed: number, total: number) {
    super(
      'NOT_ENOUGH_SLOTS',
      `Job ${jobId} needs ${needed} slot(s) but the cluster has ${total} and cannot start more TaskManagers. ` +
        `Lower the parallelism (-p) or raise taskmanager.numberOfTaskSlots.`,
      { jobId, needed, total },
    );
  }
}

/** A slot sharing group asks for more resources than any TaskManager has, or than one the cluster could start. */
export class UnfulfillableResourceRequirementError extends FlottError {
  constructor(jobId: string, group: string, resources: ResourceSpec, largest: ResourceSpec | undefined, canStartWorkers: boolean) {
    const offer = largest
      ? `${canStartWorkers ? 'a new TaskManager would have' : 'the largest TaskManager has'} ${ResourceSpecs.describe(largest)}`
      : 'no TaskManager declares its resources';
    super(
      'UNFULFILLABLE_RESOURCE_REQUIREMENT',
      `Job ${jobId}: slot sharing group '${group}' needs ${ResourceSpecs.describe(resources)} per slot, but ${offer}. ` +
        `Lower the group's resources or raise taskmanager.cpu.cores / taskmanager.memory.task.heap.size.`,
      { jobId, group, resources, ...(largest ? { largest } : {}) },
    );
  }
}

/** The slot sharing group of a sharing key (`${group}#${subtaskIndex}`, JobMaster#sharingKey). */
function slotSharingGroupOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('#'));
}

export interface JobMasterOptions {
  readonly submission: JobSubmission;
  readonly configuration: Configuration;
  readonly rpc: RpcService;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** The ResourceManager's leader: slots are declared to whoever leads now, with its fencing token. */
  readonly resourceManager: LeaderTracker;
  /** This JobMaster's fencing token (Flink's JobMasterId): unique per JobMaster, so a restarted job's old JobMaster is told apart. */
  readonly jobMasterId: string;
  readonly schedulingStrategyFactory: SchedulingStrategyFactory;
  readonly failoverStrategyFactory: FailoverStrategyFactory;
  readonly restartBackoffStrategy: RestartBackoffStrategy;
  /** Why the job has this restart strategy when `restart-strategy.type` did not name it (for the failure message). */
  readonly restartStrategyDefaultReason?: string;
  readonly onTerminal: (result: JobResultInfo) => void;
  /** The job's log (the Dispatcher passes one bound to the jobId); silent by default. */
  readonly logger?: Logger;
  /**
   * The job's checkpoint storage and the HA services that keep completed checkpoints and ids, asked
   * for when the job checkpoints, restores (execution.state-recovery.path) or takes a savepoint.
   */
  readonly checkpointServices?: () => CheckpointServices;
  /** Creates the coordinators of operators that have one (unified sources); a job with such operators fails without it. */
  readonly operatorCoordinatorProvider?: OperatorCoordinatorProvider;
}
/** The JobMaster's collaborators, as the job's container resolves them (jobmaster/job-container.ts). */
export const JobMasterOptions = Symbol.for('flott.JobMasterOptions');

/**
 * Runs one job (Flink's JobMaster with its scheduler): builds the ExecutionGraph, gets slots,
 * deploys subtasks as the scheduling strategy says, tracks their states, restarts what the failover
 * strategy picks while the restart strategy allows, and ends the job. Everything runs on the
 * JobManager's event loop; RPCs are the only way out.
 */
@injectable()
export class JobMaster implements JobMasterGateway {
  readonly address: string;
  /** How the ResourceManager and TaskExecutors address this JobMaster: its address and JobMasterId. */
  readonly ref: JobMasterRef;
  readonly graph: ExecutionGraph;
  private readonly topology: ExecutionGraphSchedulingTopology;
  private readonly strategy: SchedulingStrategy;
  /** Failures and restarts. */
  private readonly failures: JobFailover;
  private readonly slotPool: SlotPool;
  private readonly collect: CollectCoordinator;
  private readonly accumulators = new Map<string, unknown>();
  /** Running attempts that finished their operators and wait for their final checkpoint (notifyEndOfData): the highest checkpoint id triggered when they said so. */
  private readonly endOfData = new Map<string, number>();
  private readonly exceptions: ExceptionHistory;
  private readonly rm: ResourceManagerGateway;
  private terminalResult?: JobResultInfo;
  private stopping = false;
  /** Settles once what the ended job leaves behind (retained checkpoints it does not keep) is cleaned up. */
  private cleanedUp: Promise<void> = Promise.resolve();
  private runningSince = 0;
  private readonly log: Logger;
  /** Checkpoints (when the job takes them) and the state tasks start from. */
  readonly checkpointing: JobCheckpointing;
  /** The operators' coordinators (unified sources' split enumerators). */
  private readonly coordinators: JobCoordinators;
  private readonly heartbeats: JobMasterHeartbeats;
  /** Attempts a TaskManager's last heartbeat did not list although they run there by our account (failed when missing twice). */
  private readonly missingAttempts = new Set<string>();
  /** The most slots the ResourceManager ever reported (a smaller cluster than that lost TaskManagers, which come back). */
  private largestClusterSlots = 0;
  /** BLOCKING partitions (by producing attempt) whose TaskManager was lost after they finished. */
  private readonly lostPartitions = new Set<string>();

  constructor(@inject(JobMasterOptions) private readonly opts: JobMasterOptions) {
    const jobGraph = opts.submission.jobGraph;
    this.log = (opts.logger ?? SILENT_LOGGER).child({ jobId: jobGraph.jobId });
    this.graph = new ExecutionGraph(jobGraph, { clock: opts.clock });
    this.logStateChanges(jobGraph.jobName);
    this.topology = new ExecutionGraphSchedulingTopology(this.graph, (id) => this.isBlockingPartitionAvailable(id));
    this.exceptions = new ExceptionHistory(opts.configuration.get(WebOptions.EXCEPTION_HISTORY_SIZE));
    this.collect = new CollectCoordinator(opts.configuration.get(ClientOptions.COLLECT_MAX_BUFFERED_RECORDS));
    this.strategy = opts.schedulingStrategyFactory.createInstance(
      { allocateSlotsAndDeploy: (ids) => void this.allocateSlotsAndDeploy(ids) },
      this.topology,
    );
    // Before the address is taken: a job whose coordinators cannot be created is not built.
    this.coordinators = new JobCoordinators({
      jobGraph,
      provider: opts.operatorCoordinatorProvider,
      log: this.log,
      sendEventToTask: (attemptId, operatorId, event) => this.sendOperatorEventToTask(attemptId, operatorId, event),
      failJob: (cause) => this.onGlobalFailure(cause),
    });
    // Registered last: a job that cannot be built (invalid graph or configuration) must not keep its address taken.
    this.address = opts.rpc.register(`jobmaster-${jobGraph.jobId}`, this as JobMasterGateway, { fencingToken: () => opts.jobMasterId });
    this.ref = { address: this.address, jobMasterId: opts.jobMasterId };
    this.rm = leaderGateway<ResourceManagerGateway>(opts.rpc, opts.resourceManager);
    this.slotPool = new SlotPool(jobGraph.jobId, this.ref, this.rm, {
      log: this.log,
      resourcesOf: (key) => jobGraph.slotSharingGroupResources?.[slotSharingGroupOfKey(key)],
      scheduler: opts.scheduler,
      slotRequestTimeoutMs: opts.configuration.get(TaskManagerOptions.SLOT_REQUEST_TIMEOUT),
    });
    this.heartbeats = new JobMasterHeartbeats(jobGraph.jobId, heartbeatSettingsOf(opts.configuration), opts.scheduler, opts.rpc, this.log, {
      taskManagerLost: (tm, cause) => this.taskManagerLost(tm, cause),
      heldAllocations: (tm) => this.slotPool.allSlots().filter((s) => s.taskManagerId === tm).map((s) => s.allocationId),
      reconcile: (tm, address, running) => this.reconcile(tm, address, running),
      resourceManagerLost: (cause) => this.slotPool.failAllWaiting(new FlottError('RESOURCE_MANAGER_LOST', `The ResourceManager is gone: ${cause}`, { cause })),
    });
    this.checkpointing = new JobCheckpointing({
      jobGraph,
      configuration: opts.configuration,
      clock: opts.clock,
      scheduler: opts.scheduler,
      log: this.log,
      services: opts.checkpointServices,
      checkpointPlan: () => this.checkpointPlan(),
      failJob: (cause) => this.onGlobalFailure(cause),
      operatorCoordinators: this.coordinators,
    });
    this.failures = new JobFailover({
      graph: this.graph,
      log: this.log,
      clock: opts.clock,
      scheduler: opts.scheduler,
      rpc: opts.rpc,
      failover: opts.failoverStrategyFactory.create(this.topology, { logger: this.log }),
      restartBackoffStrategy: opts.restartBackoffStrategy,
      restartStrategyDefaultReason: opts.restartStrategyDefaultReason,
      exceptions: this.exceptions,
      checkpointing: this.checkpointing,
      coordinators: this.coordinators,
      slotPool: this.slotPool,
      resetJobOutputs: () => {
        this.collect.reset();
        this.accumulators.clear();
      },
      restartTasks: (vertices) => this.strategy.restartTasks(vertices),
    });
  }

  /**
   * A BLOCKING partition can be read again (Flink's partition tracker): its producer's current attempt
   * finished and the TaskManager that holds its files was not lost since.
   */
  private isBlockingPartitionAvailable(partitionId: string): boolean {
    const producer = this.graph.getExecutionVertex(this.topology.getResultPartition(partitionId).producer).currentExecution;
    return producer.state === ExecutionState.FINISHED && !this.lostPartitions.has(resultPartitionKey(partitionId, producer.attemptId));
  }

  /** The files of the finished attempts' BLOCKING partitions on `taskManagerId` are gone with it. */
  private markPartitionsLost(taskManagerId: string): void {
    for (const v of this.graph.getAllExecutionVertices()) {
      const e = v.currentExecution;
      if (e.state !== ExecutionState.FINISHED || e.assignedSlot?.taskManagerId !== taskManagerId) continue;
      for (const p of this.graph.getProducedPartitions(v.id)) if (p.resultType === 'BLOCKING') this.lostPartitions.add(resultPartitionKey(p.id, e.attemptId));
    }
  }

  /** A failure of the whole job (too many failed checkpoints, a coordinator that failed): every task restarts, as the restart strategy allows. */
  private onGlobalFailure(cause: Error): void {
    this.failures.onGlobalFailure(cause);
  }

  /** The TaskExecutor address of an attempt's slot, if the attempt is the current one of its vertex and has a slot. */
  private taskExecutorOf(attemptId: string): string | undefined {
    const slot = this.graph.findCurrentExecution(attemptId)?.assignedSlot;
    return slot && this.slotPool.allSlots().find((s) => s.allocationId === slot.allocationId)?.taskExecutorAddress;
  }

  private async sendOperatorEventToTask(attemptId: string, operatorId: string, event: unknown): Promise<void> {
    const address = this.taskExecutorOf(attemptId);
    if (!address) throw new FlottError('UNKNOWN_ATTEMPT', `Task attempt ${attemptId} is not running`, { attemptId });
    await this.opts.rpc.connect<TaskExecutorGateway>(address).sendOperatorEventToTask(attemptId, operatorId, event);
  }

  /**
   * The tasks a checkpoint starting now involves (Flink's DefaultCheckpointPlanCalculator), or why it
   * cannot start: every task running, or, with checkpoints after tasks finish, running or finished.
   * Sources are triggered, and so are running tasks whose producers all finished; the others get the
   * barrier in-band.
   */
  private checkpointPlan(): CheckpointPlan | string {
    if (this.graph.state !== JobStatus.RUNNING) return `the job is ${this.graph.state}`;
    const afterFinish = this.checkpointing.finishedTasksInCheckpoints;
    const finished = new Set<string>();
    for (const v of this.graph.getAllExecutionVertices()) if (afterFinish && v.currentExecution.state === ExecutionState.FINISHED) finished.add(v.id);
    const tasks: CheckpointTask[] = [];
    for (const v of this.graph.getAllExecutionVertices()) {
      const e = v.currentExecution;
      if (finished.has(v.id)) continue;
      if (e.state !== ExecutionState.RUNNING) return `task ${v.jobVertex.name} (${v.subtaskIndex + 1}/${v.jobVertex.parallelism}) is ${e.state}`;
      const slot = e.assignedSlot;
      const address = slot && this.slotPool.allSlots().find((s) => s.allocationId === slot.allocationId)?.taskExecutorAddress;
      if (!address) return `task ${v.jobVertex.name} (${v.subtaskIndex + 1}/${v.jobVertex.parallelism}) has no slot`;
      const gateway = this.opts.rpc.connect<TaskExecutorGateway>(address);
      const attemptId = e.attemptId;
      const producersFinished = finished.size > 0 && this.graph.getInputChannels(v.id).every((g) => g.channels.every((c) => finished.has(c.producerVertexId)));
      tasks.push({
        attemptId,
        vertexId: v.jobVertex.id,
        subtaskIndex: v.subtaskIndex,
        triggered: v.jobVertex.inputs.length === 0 || producersFinished,
        trigger: (id, ts, location, alignedTimeoutMs, action) => gateway.triggerCheckpoint(attemptId, id, ts, location, alignedTimeoutMs, action),
        notify: (id, completed) => gateway.notifyCheckpoint(attemptId, id, completed),
      });
    }
    if (tasks.length === 0) return 'every task finished';
    const finishedSubtasks = [...finished].map((id) => {
      const v = this.graph.getExecutionVertex(id);
      return { vertexId: v.jobVertex.id, subtaskIndex: v.subtaskIndex };
    });
    return { tasks, finished: finishedSubtasks };
  }

  /**
   * A task finished its operators and waits for its final checkpoint (checkpoints after tasks finish).
   * Once every task that has not finished does, a checkpoint is triggered without waiting for the
   * interval, so a bounded job ends as soon as its sinks committed.
   */
  async notifyEndOfData(attemptId: string): Promise<void> {
    const execution = this.graph.findCurrentExecution(attemptId);
    if (!execution || execution.isTerminal()) return;
    this.endOfData.set(attemptId, this.checkpointing.coordinator?.lastTriggeredId ?? 0);
    this.requestFinalCheckpointIfAllEnded();
  }

  /**
   * Asks for a checkpoint when every task that has not finished waits for its final one and some has
   * not had a checkpoint complete that was triggered after its end of data (those finish by themselves).
   */
  private requestFinalCheckpointIfAllEnded(): void {
    const coordinator = this.checkpointing.coordinator;
    if (!coordinator || !this.checkpointing.checkpointsAfterTasksFinish || this.graph.state !== JobStatus.RUNNING) return;
    const latest = coordinator.latestCompleted()?.metadata.checkpointId ?? 0;
    let unserved = false;
    for (const v of this.graph.getAllExecutionVertices()) {
      const e = v.currentExecution;
      if (e.state === ExecutionState.FINISHED) continue;
      const triggeredBefore = this.endOfData.get(e.attemptId);
      if (e.state !== ExecutionState.RUNNING || triggeredBefore === undefined) return;
      if (latest <= triggeredBefore) unserved = true;
    }
    if (unserved) coordinator.requestCheckpointSoon();
  }

  /**
   * Job and task state changes at INFO with the failure cause, as Flink's JobMaster logs them: a job
   * or task that fails is the job's business, reported to its client; WARN and ERROR are for the
   * machinery (lost TaskManagers, dead slot threads, RPCs that failed).
   */
  private logStateChanges(jobName: string): void {
    this.graph.addJobStatusListener((from, to, _timestamp, cause) => {
      const msg = `Job ${jobName} (${this.jobId}) switched from state ${from} to ${to}.`;
      this.log.info(cause ? { err: cause } : {}, msg);
    });
    this.graph.addExecutionStateListener((execution, from, to) => {
      const vertex = this.graph.getExecutionVertex(execution.vertexId);
      const slot = execution.assignedSlot;
      const fields = {
        task: vertex.jobVertex.name,
        subtask: vertex.subtaskIndex,
        attempt: execution.attemptNumber,
        attemptId: execution.attemptId,
        ...(slot ? { taskManagerId: slot.taskManagerId, slotIndex: slot.slotIndex } : {}),
      };
      const msg =
        `${vertex.jobVertex.name} (${vertex.subtaskIndex + 1}/${vertex.jobVertex.parallelism})#${execution.attemptNumber} ` +
        `(${execution.attemptId}) switched from ${from} to ${to}${to === ExecutionState.DEPLOYING && slot ? ` on ${slot.taskManagerId} slot ${slot.slotIndex}` : ''}.`;
      this.log.info(to === ExecutionState.FAILED ? { ...fields, err: execution.failureCause } : fields, msg);
    });
  }

  get jobId(): string {
    return this.graph.jobId;
  }

  start(): void {
    this.graph.transitionJobStatus(JobStatus.RUNNING);
    this.runningSince = this.opts.clock.currentTimeMillis();
    if (!this.checkpointing.startsFromSavepoint) {
      this.startScheduling();
      return;
    }
    // A savepoint that cannot be read or does not fit the job fails it before anything is deployed.
    this.checkpointing.loadInitialState().then(
      () => this.startScheduling(),
      (e: unknown) => this.failBeforeScheduling(e),
    );
  }

  private failBeforeScheduling(e: unknown): void {
    if (this.graph.state !== JobStatus.RUNNING) return;
    this.graph.transitionJobStatus(JobStatus.FAILING, e instanceof Error ? e : new Error(String(e)));
    this.failures.cancelVertices(this.graph.getAllExecutionVertices());
    this.checkProgress();
  }

  private startScheduling(): void {
    if (this.graph.state !== JobStatus.RUNNING) return;
    const schedule = (): void => {
      if (this.graph.state !== JobStatus.RUNNING) return;
      this.strategy.startScheduling();
      this.checkpointing.start();
    };
    if (this.coordinators.isEmpty) return schedule();
    // Coordinators start (from the savepoint, if any) before any task could talk to them.
    this.coordinators.start(this.checkpointing.restoreMetadata).then(schedule, (e: unknown) => this.failBeforeScheduling(e));
  }

  // ---- JobMasterGateway ----

  async offerSlots(taskExecutorId: string, taskExecutorAddress: string, offers: readonly SlotOffer[]): Promise<SlotOffer[]> {
    const accepted = this.slotPool.offerSlots(taskExecutorId, taskExecutorAddress, offers);
    if (accepted.length > 0 && !this.terminalResult) this.heartbeats.taskManagerUsed(taskExecutorId, taskExecutorAddress);
    return accepted;
  }

  async heartbeatFromResourceManager(_resourceManagerId: string): Promise<void> {
    this.heartbeats.fromResourceManager();
  }

  /** A TaskManager the job has slots on stopped answering heartbeats: its slots are lost, as when the ResourceManager reports it gone. */
  private taskManagerLost(taskManagerId: string, cause: string): void {
    this.log.warn({ taskManagerId, cause }, `TaskManager ${taskManagerId} is lost: ${cause}.`);
    for (const slot of this.slotPool.allSlots()) {
      if (slot.taskManagerId !== taskManagerId) continue;
      void this.notifyAllocationFailure(slot.allocationId, serializeError(new TaskManagerLostError(taskManagerId, cause, slot.allocationId, this.jobId)));
    }
  }

  /**
   * A TaskManager's heartbeat listed the job's attempts it runs: one that is not a current attempt (a
   * restart replaced it, or it ended here) is cancelled there; a current attempt that runs there by
   * this JobMaster's account but is missing from two heartbeats in a row (one may cross its final
   * state report) failed without a word, and fails now.
   */
  private reconcile(taskManagerId: string, taskExecutorAddress: string, running: readonly string[]): void {
    if (this.terminalResult) return;
    const listed = new Set(running);
    for (const attemptId of running) {
      const e = this.graph.findCurrentExecution(attemptId);
      if (e?.state === ExecutionState.CANCELING) {
        // Its cancel call may have been lost (Flink retries it): a task waiting for its final checkpoint would wait forever.
        this.cancelOn(taskExecutorAddress, attemptId);
        continue;
      }
      if (e && !e.isTerminal()) continue;
      this.log.warn({ attemptId, taskManagerId }, `TaskManager ${taskManagerId} runs attempt ${attemptId}, which is not current; cancelling it.`);
      this.opts.rpc.connect<TaskExecutorGateway>(taskExecutorAddress).cancelTask(attemptId).catch((err: unknown) => {
        this.log.warn({ err, attemptId }, `Could not cancel stale attempt ${attemptId} on ${taskManagerId}.`);
      });
    }
    const onTm = new Set(this.slotPool.allSlots().filter((s) => s.taskManagerId === taskManagerId).map((s) => s.allocationId));
    for (const v of this.graph.getAllExecutionVertices()) {
      const e = v.currentExecution;
      // CANCELING too: an attempt whose final report was lost is not there to be canceled, and a restart waits for it.
      const reportsExpected = e.state === ExecutionState.RUNNING || e.state === ExecutionState.INITIALIZING || e.state === ExecutionState.CANCELING;
      const runsThere = e.assignedSlot && onTm.has(e.assignedSlot.allocationId) && reportsExpected;
      if (!runsThere || listed.has(e.attemptId)) {
        this.missingAttempts.delete(e.attemptId);
        continue;
      }
      if (!this.missingAttempts.has(e.attemptId)) {
        this.missingAttempts.add(e.attemptId);
        continue;
      }
      this.missingAttempts.delete(e.attemptId);
      const error = new FlottError('TASK_MISSING', `Attempt ${e.attemptId} of ${v.jobVertex.name} (${v.subtaskIndex + 1}/${v.jobVertex.parallelism}) is no longer running on TaskManager ${taskManagerId}`, { attemptId: e.attemptId, taskManagerId });
      void this.updateTaskExecutionState({ jobId: this.jobId, attemptId: e.attemptId, state: ExecutionState.FAILED, error: serializeError(error) });
    }
  }

  async updateTaskExecutionState(update: TaskExecutionStateUpdate): Promise<boolean> {
    const execution = this.graph.findCurrentExecution(update.attemptId);
    if (!execution || execution.isTerminal()) return false;
    const vertex = this.graph.getExecutionVertex(execution.vertexId);
    if (execution.state === update.state) return true;
    let reported = update.state;
    let error = update.error;
    if (execution.state === ExecutionState.CANCELING && isTerminalExecutionState(reported)) {
      // As Flink (Execution#processFail): however an attempt being canceled ends, even failing, it is
      // canceled, so it is not counted as another failure by the restart strategy.
      reported = ExecutionState.CANCELED;
    } else if (reported === ExecutionState.CANCELED) {
      // Canceled without this JobMaster asking (its TaskExecutor freed the slot): a failure to recover from, not an end.
      reported = ExecutionState.FAILED;
      error = serializeError(new FlottError('TASK_CANCELED_EXTERNALLY', `Attempt ${execution.attemptId} of ${vertex.jobVertex.name} (${vertex.subtaskIndex + 1}/${vertex.jobVertex.parallelism}) was canceled without the JobMaster asking`, { attemptId: execution.attemptId }));
    } else if (!canTransitionExecution(execution.state, reported)) {
      // Progress reports of an attempt being canceled, or that move an attempt backwards, are ignored.
      return false;
    }
    const cause = error ? deserializeError(error) : undefined;
    execution.transitionState(reported, cause);
    if (reported === ExecutionState.FAILED || reported === ExecutionState.CANCELED) {
      this.coordinators.attemptFailed(vertex.jobVertex.id, vertex.subtaskIndex, execution.attemptId);
    }
    if (reported === ExecutionState.FINISHED) {
      this.checkpointing.onTaskFinished(execution.attemptId, `${vertex.jobVertex.name} (${vertex.subtaskIndex + 1}/${vertex.jobVertex.parallelism})`);
    }
    if (isTerminalExecutionState(reported)) this.endOfData.delete(execution.attemptId);
    if (reported === ExecutionState.FINISHED) this.requestFinalCheckpointIfAllEnded();
    if (reported === ExecutionState.FINISHED && update.accumulators) {
      for (const [k, v] of Object.entries(update.accumulators)) {
        this.accumulators.set(k, this.accumulators.has(k) ? mergeAccumulatorValues(this.accumulators.get(k), v) : v);
      }
    }
    this.strategy.onExecutionStateChange(vertex.id, reported);
    // BLOCKING partitions can be consumed once their producer finished (PIPELINED ones once it produced data: notifyPartitionDataAvailable).
    if (reported === ExecutionState.FINISHED) {
      for (const p of this.graph.getProducedPartitions(vertex.id)) if (p.resultType === 'BLOCKING') this.strategy.onPartitionConsumable(p.id);
    }
    if (isTerminalExecutionState(reported)) this.releaseSlotIfUnused(vertex);
    if (reported === ExecutionState.FAILED) this.failures.onTaskFailed(vertex, cause ?? new Error('unknown failure'), error);
    this.checkProgress();
    return true;
  }

  async notifyPartitionDataAvailable(attemptId: string, partitionKey: string): Promise<void> {
    const execution = this.graph.findCurrentExecution(attemptId);
    if (!execution || execution.isTerminal()) return;
    const partitionId = partitionKey.slice(0, partitionKey.lastIndexOf('@'));
    const partition = this.graph.getProducedPartitions(execution.vertexId).find((p) => p.id === partitionId);
    if (partition?.resultType === 'PIPELINED') this.strategy.onPartitionConsumable(partition.id);
  }

  async sendOperatorEvent(envelope: OperatorEventEnvelope): Promise<unknown> {
    const execution = this.graph.findCurrentExecution(envelope.attemptId);
    if (!execution) return { accepted: false };
    if (isCollectEvent(envelope.event)) return this.collect.accept(envelope.event);
    const subtask = this.graph.getExecutionVertex(execution.vertexId).subtaskIndex;
    await this.coordinators.handleEventFromOperator(envelope.operatorId, subtask, envelope.attemptId, envelope.event);
    return { accepted: true };
  }

  async acknowledgeCheckpoint(ack: CheckpointAcknowledgement): Promise<void> {
    this.checkpointing.acknowledge(ack);
  }

  async declineCheckpoint(decline: CheckpointDecline): Promise<void> {
    this.checkpointing.decline(decline);
  }

  async disconnectResourceManager(cause: SerializedError): Promise<void> {
    this.log.warn({ cause: cause.message }, `The ResourceManager disconnected: ${cause.message}`);
    // What still waits for a slot fails its slotFor() promise, which fails the attempt in allocateSlotsAndDeploy.
    this.slotPool.failAllWaiting(deserializeError(cause));
  }

  async notifyAllocationFailure(allocationId: string, cause: SerializedError): Promise<void> {
    const slot = this.slotPool.allSlots().find((s) => s.allocationId === allocationId);
    if (slot) this.markPartitionsLost(slot.taskManagerId);
    // A refused allocation fails a waiting slotFor() promise, which fails the attempt in allocateSlotsAndDeploy.
    if (!this.slotPool.failAllocation(allocationId, deserializeError(cause))) return;
    const inSlot = this.graph.getAllExecutionVertices().map((v) => v.currentExecution).filter((e) => e.assignedSlot?.allocationId === allocationId && !e.isTerminal());
    const deployed = inSlot.filter((e) => e.state !== ExecutionState.SCHEDULED);
    for (const e of inSlot) {
      if (!e.isTerminal()) await this.updateTaskExecutionState({ jobId: this.jobId, attemptId: e.attemptId, state: ExecutionState.FAILED, error: cause });
    }
    // As Flink's Execution#markFailed: a TaskExecutor that is still there stops the attempts now, not only once it learns that the slot is gone.
    if (slot) for (const e of deployed) this.cancelOn(slot.taskExecutorAddress, e.attemptId);
  }

  /** Best effort: a TaskExecutor that cannot be reached stops the attempt when it frees the slot. */
  private cancelOn(taskExecutorAddress: string, attemptId: string): void {
    this.opts.rpc.connect<TaskExecutorGateway>(taskExecutorAddress).cancelTask(attemptId).catch((err: unknown) => {
      this.log.debug({ err, attemptId }, `Could not cancel attempt ${attemptId} on ${taskExecutorAddress}.`);
    });
  }

  // ---- client-facing (through the Dispatcher) ----

  /** See DispatcherGateway#triggerSavepoint; only while every task runs (or finished: checkpoints-after-tasks-finish). */
  triggerSavepoint(targetDirectory?: string): Promise<string> {
    return this.checkpointing.triggerSavepoint(targetDirectory);
  }

  /** See DispatcherGateway#stopWithSavepoint; only while every task runs, one stop at a time. */
  async stopWithSavepoint(drain: boolean, targetDirectory?: string): Promise<string> {
    if (this.stopping) throw new FlottError('STOP_WITH_SAVEPOINT_IN_PROGRESS', `Job ${this.jobId} is already being stopped with a savepoint`, { jobId: this.jobId });
    this.stopping = true;
    try {
      return await stopWithSavepoint(this.graph, () => this.checkpointing.stopWithSavepoint(drain, targetDirectory));
    } finally {
      this.stopping = false;
    }
  }

  pollCollected(): CollectedBatch {
    return this.collect.poll();
  }

  cancel(): void {
    const s = this.graph.state;
    if (isGloballyTerminal(s) || s === JobStatus.CANCELLING) return;
    if (s === JobStatus.FAILING) return;
    this.failures.dropPendingRestart();
    this.graph.transitionJobStatus(JobStatus.CANCELLING);
    this.failures.cancelVertices(this.graph.getAllExecutionVertices());
    this.checkProgress();
  }

  /** Resolves once an ended job's clean-up is done (at once while it runs); never rejects. */
  whenCleanedUp(): Promise<void> {
    return this.cleanedUp;
  }

  result(): JobResultInfo {
    return this.terminalResult ?? this.makeResult();
  }

  details(): JobDetailsInfo {
    const jobGraph = this.opts.submission.jobGraph;
    return {
      jobId: this.jobId,
      jobName: jobGraph.jobName,
      status: this.graph.state,
      startTime: this.graph.getStatusTimestamp(JobStatus.CREATED) ?? 0,
      endTime: isGloballyTerminal(this.graph.state) ? (this.graph.getStatusTimestamp(this.graph.state) ?? -1) : -1,
      vertices: this.graph.getJobVertices().map((jv) => {
        const states: Record<string, number> = {};
        for (const v of jv.taskVertices) states[v.executionState] = (states[v.executionState] ?? 0) + 1;
        return { id: jv.id, name: jv.name, parallelism: jv.parallelism, states };
      }),
      checkpoints: this.checkpointing.coordinator?.statistics(),
    };
  }

  /** See DispatcherGateway#requestExecutionGraphInfo. */
  executionGraphInfo(): ExecutionGraphInfo {
    const { submission, configuration } = this.opts;
    return executionGraphInfo({ details: this.details(), submission, configuration, graph: this.graph, exceptions: this.exceptions });
  }

  /** See DispatcherGateway#triggerCheckpoint; only while every task runs. */
  triggerCheckpoint(full: boolean): Promise<number> {
    return this.checkpointing.triggerCheckpoint(full);
  }

  // ---- scheduling ----

  private sharingKey(v: ExecutionVertex): string {
    return `${v.jobVertex.slotSharingGroup || DEFAULT_SLOT_SHARING_GROUP}#${v.subtaskIndex}`;
  }

  /**
   * Gives the slot of `vertex`'s sharing key back to the pool once none of the key's tasks is deployed
   * or about to be: a finished stage's slot serves the next one (a batch job runs with fewer slots
   * than its parallelism), and tasks about to restart find it again.
   */
  private releaseSlotIfUnused(vertex: ExecutionVertex): void {
    const key = this.sharingKey(vertex);
    for (const v of this.graph.getAllExecutionVertices()) {
      if (this.sharingKey(v) !== key) continue;
      const state = v.currentExecution.state;
      if (state !== ExecutionState.CREATED && !isTerminalExecutionState(state)) return;
    }
    this.slotPool.releaseKey(key);
  }

  private async allocateSlotsAndDeploy(ids: readonly ExecutionVertexId[]): Promise<void> {
    const vertices = ids.map((id) => this.graph.getExecutionVertex(id));
    const executions = vertices.map((v) => v.currentExecution);
    for (const e of executions) if (e.state === ExecutionState.CREATED) e.transitionState(ExecutionState.SCHEDULED);
    const keys = [...new Set(vertices.map((v) => this.sharingKey(v)))];
    this.heartbeats.expectResourceManager();
    try {
      const overview = await this.rm.getOverview();
      const groups = this.opts.submission.jobGraph.slotSharingGroupResources ?? {};
      const defaultKeys = keys.filter((k) => groups[slotSharingGroupOfKey(k)] === undefined).length;
      const have = this.slotPool.allSlots().filter((s) => s.resources === undefined).length;
      // Fail fast only if the cluster never had the slots: fewer after a TaskManager was lost is waited
      // out (slot.request.timeout, a failure the restart strategy handles) while its replacement starts.
      this.largestClusterSlots = Math.max(this.largestClusterSlots, overview.slotsTotal);
      if (!overview.canStartWorkers && defaultKeys > this.largestClusterSlots && have < defaultKeys) {
        throw new NotEnoughSlotsError(this.jobId, defaultKeys, overview.slotsTotal);
      }
      // A cluster that may still grow in ways it cannot describe (a standalone one in its start-up period) is given the benefit of the doubt.
      const largest = overview.canStartWorkers ? overview.workerResources : overview.largestTaskManager;
      const knowsLimit = !overview.canStartWorkers || overview.workerResources !== undefined;
      for (const [group, resources] of Object.entries(groups)) {
        const used = vertices.some((v) => (v.jobVertex.slotSharingGroup || DEFAULT_SLOT_SHARING_GROUP) === group);
        if (used && knowsLimit && (!largest || !ResourceSpecs.fits(resources, largest))) {
          throw new UnfulfillableResourceRequirementError(this.jobId, group, resources, largest, overview.canStartWorkers);
        }
      }
      const slots = new Map<string, PhysicalSlot>();
      await Promise.all(this.slotPool.slotsFor(keys).map(async (slot, i) => slots.set(keys[i], await slot)));
      // A slot the ResourceManager reported failed while this waited is gone from the pool: deploying into it would run tasks in a slot the job gave up.
      for (const slot of slots.values()) {
        if (!this.slotPool.allSlots().some((held) => held.allocationId === slot.allocationId)) throw new FlottError('SLOT_LOST', `Slot ${slot.allocationId} on ${slot.taskManagerId} was lost before the tasks were deployed into it`, { allocationId: slot.allocationId });
      }
      // Deploy in the order given (topological): producers register partitions before consumers ask.
      for (let i = 0; i < vertices.length; i++) {
        const e = executions[i];
        if (e.state !== ExecutionState.SCHEDULED || e !== vertices[i].currentExecution) continue;
        const slot = slots.get(this.sharingKey(vertices[i]))!;
        e.assignSlot({ allocationId: slot.allocationId, taskManagerId: slot.taskManagerId, slotIndex: slot.slotIndex, ...(slot.dataAddress ? { dataAddress: slot.dataAddress } : {}), ...(slot.slotDataAddress ? { slotDataAddress: slot.slotDataAddress } : {}) });
      }
      for (let i = 0; i < vertices.length; i++) {
        const e = executions[i];
        if (e.state !== ExecutionState.SCHEDULED || e !== vertices[i].currentExecution) continue;
        const slot = slots.get(this.sharingKey(vertices[i]))!;
        e.transitionState(ExecutionState.DEPLOYING);
        const restore = this.checkpointing.restoreFor(vertices[i].jobVertex, vertices[i].subtaskIndex);
        const tdd = createDeploymentDescriptor(this.graph, vertices[i], this.opts.submission, slot.allocationId, this.ref, restore, this.checkpointing.checkpointsAfterTasksFinish);
        this.opts.rpc.connect<TaskExecutorGateway>(slot.taskExecutorAddress).submitTask(tdd).catch((err: unknown) => {
          // The TaskExecutor no longer has the slot (it freed it: it stopped hearing from this JobMaster): a restart must not use it again.
          if ((err as Partial<FlottError>).code === 'SLOT_NOT_ALLOCATED') this.slotPool.failAllocation(slot.allocationId, err as Error);
          // A submission that timed out may have arrived: it must not run on beside the attempt that replaces it.
          if ((err as Partial<FlottError>).code === 'RPC_TIMEOUT') this.cancelOn(slot.taskExecutorAddress, e.attemptId);
          void this.updateTaskExecutionState({ jobId: this.jobId, attemptId: e.attemptId, state: ExecutionState.FAILED, error: serializeError(err) });
        });
      }
      // A key whose tasks were all canceled while it waited must not sit on its slot.
      const released = new Set<string>();
      for (const v of vertices) {
        const key = this.sharingKey(v);
        if (!released.has(key)) this.releaseSlotIfUnused(v);
        released.add(key);
      }
    } catch (err) {
      // Not getting slots fails the attempts like task failures (the restart strategy decides): each that
      // still waits, as a failover strategy that restarts less than all (region) would leave the others waiting forever.
      for (let i = 0; i < vertices.length; i++) {
        const e = executions[i];
        if (e !== vertices[i].currentExecution || e.isTerminal()) continue;
        await this.updateTaskExecutionState({ jobId: this.jobId, attemptId: e.attemptId, state: ExecutionState.FAILED, error: serializeError(err) });
      }
    }
  }

  /** Moves the job on once the executions it waits for are terminal. */
  private checkProgress(): void {
    const status = this.graph.state;
    const all = this.graph.getAllExecutionVertices();
    const allTerminal = () => all.every((v) => isTerminalExecutionState(v.executionState));
    if (this.failures.progressPendingRestart()) return;
    if (status === JobStatus.RUNNING && all.every((v) => v.executionState === ExecutionState.FINISHED)) {
      this.graph.transitionJobStatus(JobStatus.FINISHED);
      this.terminate();
    } else if (status === JobStatus.FAILING && allTerminal()) {
      this.graph.transitionJobStatus(JobStatus.FAILED, this.graph.failureCause);
      this.terminate();
    } else if (status === JobStatus.CANCELLING && allTerminal()) {
      this.graph.transitionJobStatus(JobStatus.CANCELED);
      this.terminate();
    }
  }

  private makeResult(): JobResultInfo {
    const status = this.graph.state;
    const end = isGloballyTerminal(status) ? (this.graph.getStatusTimestamp(status) ?? this.opts.clock.currentTimeMillis()) : this.opts.clock.currentTimeMillis();
    return {
      jobId: this.jobId,
      jobName: this.opts.submission.jobGraph.jobName,
      status,
      netRuntimeMs: Math.max(0, end - this.runningSince),
      accumulators: Object.fromEntries(this.accumulators),
      error: status === JobStatus.FAILED && this.graph.failureCause ? serializeError(this.graph.failureCause) : undefined,
    };
  }

  private terminate(): void {
    this.terminalResult = this.makeResult();
    this.log.info({ maxSlotsHeld: this.slotPool.maxSlotsHeld }, `Job ${this.jobId} held at most ${this.slotPool.maxSlotsHeld} slot(s) at once.`);
    this.heartbeats.close();
    const coordinatorsClosed = this.coordinators.close();
    this.cleanedUp = Promise.all([coordinatorsClosed, this.checkpointing.shutdown(this.graph.state)]).then(() => undefined);
    const { slots, declared } = this.slotPool.releaseAll();
    // Freed once the ResourceManager knows the job needs none, so it does not hand them back to it.
    void declared.then(() => {
      for (const slot of slots) {
        // The job is over either way; a TaskExecutor that did not hear it frees the slot when it re-registers or dies.
        this.opts.rpc.connect<TaskExecutorGateway>(slot.taskExecutorAddress).freeSlot(slot.allocationId, `job ${this.graph.state}`).catch((err: unknown) => {
          this.log.warn({ err, allocationId: slot.allocationId }, `Could not free slot ${slot.allocationId} on ${slot.taskExecutorAddress}.`);
        });
      }
    });
    this.opts.rpc.unregister(this.address);
    this.opts.onTerminal(this.terminalResult);
  }
}
