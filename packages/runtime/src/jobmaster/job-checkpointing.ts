import { FlottError, type Clock, type Configuration } from '@flott/core';
import { CheckpointCoordinator, type CheckpointPlan, type CheckpointedCoordinators } from '../checkpoint/checkpoint-coordinator';
import { checkpointSettingsOf, isCheckpointingEnabled } from '../checkpoint/checkpointing-settings';
import { decodeCheckpointMetadata } from '../checkpoint/format';
import { CheckpointingOptions, StateRecoveryOptions, WebOptions } from '../config/options';
import type { JobGraph, JobVertexDescriptor } from '../deployment/job-graph';
import type { TaskRestore } from '../deployment/task-deployment-descriptor';
import type { Logger } from '../logging/logger';
import type { CheckpointAcknowledgement, CheckpointDecline } from '../rpc/gateways';
import type { CheckpointMetadata } from '../snapshot/snapshot-data';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { HighAvailabilityServices } from '../spi/high-availability-services';
import type { Scheduler } from '../time/clock';
import { checkStateFitsJob, taskRestoreFor } from '../checkpoint/state-assignment';

/** What checkpoints of one job need from the JobManager. */
export interface CheckpointServices {
  readonly storage: CheckpointStorageAccess;
  readonly highAvailability: HighAvailabilityServices;
}

export interface JobCheckpointingOptions {
  readonly jobGraph: JobGraph;
  readonly configuration: Configuration;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  /** The job's checkpoint storage and HA services, asked for once the job checkpoints, restores or takes a savepoint. */
  readonly services?: () => CheckpointServices;
  /** The tasks a checkpoint starting now involves, or why it cannot start now (the JobMaster knows). */
  readonly checkpointPlan: () => CheckpointPlan | string;
  /** Too many checkpoints failed in a row: the job fails over. */
  readonly failJob: (cause: Error) => void;
  /** The job's operator coordinators, checkpointed before the barriers. */
  readonly operatorCoordinators?: CheckpointedCoordinators;
}

/**
 * The JobMaster's side of checkpoints and restores: the job's CheckpointCoordinator when it
 * checkpoints, the savepoint it starts from (`execution.state-recovery.path`), and which checkpoint
 * the tasks deployed from now on restore (the latest completed one after a failover). JobManager
 * event loop only.
 */
export class JobCheckpointing {
  private coordinatorInstance?: CheckpointCoordinator;
  private servicesInstance?: CheckpointServices;
  /** The checkpoint or savepoint that tasks deployed from now on start from. */
  private restoreFrom?: CheckpointMetadata;

  constructor(private readonly opts: JobCheckpointingOptions) {
    const { jobGraph, configuration } = opts;
    if (isCheckpointingEnabled(configuration, jobGraph.jobType)) this.coordinatorInstance = this.createCoordinator();
  }

  /**
   * The job checkpoints periodically and after tasks finish (execution.checkpointing.checkpoints-after-tasks-finish,
   * FLIP-147): finished tasks are recorded in checkpoints, and tasks wait for a final checkpoint.
   */
  get checkpointsAfterTasksFinish(): boolean {
    const { configuration, jobGraph } = this.opts;
    return isCheckpointingEnabled(configuration, jobGraph.jobType) && this.finishedTasksInCheckpoints;
  }

  /**
   * Checkpoints and savepoints may hold finished tasks (FLIP-147's option), also in a job without
   * periodic checkpoints: a savepoint of a job whose bounded source finished is taken, as in Flink.
   * Only with periodic checkpoints do tasks also wait for a final checkpoint (checkpointsAfterTasksFinish).
   */
  get finishedTasksInCheckpoints(): boolean {
    return this.opts.configuration.get(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH);
  }

  /** Present once the job checkpoints or took a savepoint. */
  get coordinator(): CheckpointCoordinator | undefined {
    return this.coordinatorInstance;
  }

  private services(): CheckpointServices {
    if (!this.opts.services) throw new Error('Assertion failed: checkpoints and restores need the checkpoint services');
    return (this.servicesInstance ??= this.opts.services());
  }

  private createCoordinator(): CheckpointCoordinator {
    const opts = this.opts;
    const { jobGraph, configuration } = opts;
    const { storage, highAvailability: ha } = this.services();
    const settings = checkpointSettingsOf(configuration);
    return new CheckpointCoordinator({
      jobId: jobGraph.jobId,
      settings,
      storage,
      completedStore: ha.createCompletedCheckpointStore(jobGraph.jobId, settings.numRetained),
      idCounter: ha.createCheckpointIdCounter(jobGraph.jobId),
      clock: opts.clock,
      scheduler: opts.scheduler,
      log: opts.log,
      historySize: configuration.get(WebOptions.CHECKPOINTS_HISTORY_SIZE),
      context: {
        checkpointPlan: opts.checkpointPlan,
        operators: jobGraph.vertices.flatMap((v) =>
          v.operators.map((op) => ({ operatorId: op.operatorId, vertexId: v.id, name: op.name, uid: op.uid, parallelism: v.parallelism, maxParallelism: v.maxParallelism })),
        ),
        failJob: opts.failJob,
        operatorCoordinators: opts.operatorCoordinators,
      },
    });
  }

  /**
   * Reads the savepoint or retained checkpoint the job starts from, when configured, and checks that
   * it fits the job; rejects with an error naming the path otherwise (the job fails before anything
   * is deployed).
   */
  async loadInitialState(): Promise<void> {
    const { configuration, jobGraph } = this.opts;
    const path = configuration.get(StateRecoveryOptions.SAVEPOINT_PATH);
    if (path === undefined) return;
    const { storage } = this.services();
    const metadata = decodeCheckpointMetadata(await storage.readMetadata(path), path, await storage.directoryUri?.(path));
    checkStateFitsJob(metadata, jobGraph, configuration.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE), path);
    this.restoreFrom = metadata;
    // Checkpoint ids continue after the restored one (Flink's), so no file of it is ever overwritten.
    await this.coordinatorInstance?.continueCheckpointIdsAfter(metadata.checkpointId);
    this.logRestore(metadata, ` at ${path}`);
  }

  /** Whether the job starts from a savepoint: then nothing is scheduled before loadInitialState. */
  get startsFromSavepoint(): boolean {
    return this.opts.configuration.get(StateRecoveryOptions.SAVEPOINT_PATH) !== undefined;
  }

  /** The job runs: periodic checkpoints start. */
  start(): void {
    this.coordinator?.startCheckpointScheduler();
  }

  /**
   * Takes a savepoint into `targetDirectory` (or execution.checkpointing.savepoint-dir) and resolves
   * with its pointer, for `flott savepoint` and JobClient.triggerSavepoint. Streaming jobs take
   * savepoints also when they do not checkpoint periodically.
   */
  async triggerSavepoint(targetDirectory?: string): Promise<string> {
    const savepoint = await (await this.savepointCoordinator()).triggerCheckpoint('SAVEPOINT', targetDirectory);
    return savepoint.externalPointer;
  }

  /**
   * The synchronous savepoint of a stop-with-savepoint (`drain`: TERMINATE, else SUSPEND); resolves
   * with its pointer once it completed (the tasks then finish). Periodic checkpoints stop meanwhile,
   * as Flink's, and start again when it failed: the job goes on.
   */
  async stopWithSavepoint(drain: boolean, targetDirectory?: string): Promise<string> {
    const coordinator = await this.savepointCoordinator();
    coordinator.stopCheckpointScheduler();
    try {
      return (await coordinator.triggerCheckpoint('SAVEPOINT', targetDirectory, drain ? 'TERMINATE' : 'SUSPEND')).externalPointer;
    } catch (e) {
      coordinator.startCheckpointScheduler();
      throw e;
    }
  }

  /**
   * A checkpoint now, besides the periodic ones (Flink 1.19's manual checkpoint, `flott checkpoint`);
   * resolves with its id once it completed. A job with incremental checkpoints cannot be asked for a
   * full one (`full`): each checkpoint's kind follows execution.checkpointing.incremental.
   */
  async triggerCheckpoint(full: boolean): Promise<number> {
    const { jobGraph, configuration } = this.opts;
    if (full && configuration.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)) {
      throw new FlottError('FULL_CHECKPOINT_NOT_SUPPORTED', `Job ${jobGraph.jobId} takes incremental checkpoints (execution.checkpointing.incremental); a full checkpoint on request is not supported yet`, { jobId: jobGraph.jobId });
    }
    return (await (await this.savepointCoordinator()).triggerCheckpoint('CHECKPOINT')).metadata.checkpointId;
  }

  private async savepointCoordinator(): Promise<CheckpointCoordinator> {
    const { jobGraph } = this.opts;
    if (jobGraph.jobType === 'BATCH') {
      throw new FlottError('SAVEPOINT_NOT_SUPPORTED', `Job ${jobGraph.jobId} runs in BATCH mode, which takes no savepoints`, { jobId: jobGraph.jobId });
    }
    if (!this.coordinatorInstance) {
      this.coordinatorInstance = this.createCoordinator();
      if (this.restoreFrom) await this.coordinatorInstance.continueCheckpointIdsAfter(this.restoreFrom.checkpointId);
    }
    return this.coordinatorInstance;
  }

  /** A task finished: pending checkpoints it did not acknowledge cannot complete any more. */
  onTaskFinished(attemptId: string, taskName: string): void {
    this.coordinatorInstance?.taskFinished(attemptId, taskName);
  }

  /** A task failed: pending checkpoints cannot complete any more. */
  onFailure(reason: string): void {
    this.coordinatorInstance?.abortPendingCheckpoints(reason);
  }

  /** Tasks are about to be redeployed: they start from the latest completed checkpoint (or the savepoint). */
  onRestart(): void {
    this.restoreFrom = this.coordinator?.latestCompleted()?.metadata ?? this.restoreFrom;
    if (this.restoreFrom) this.logRestore(this.restoreFrom, '');
    else if (this.coordinator) this.opts.log.info(`Restarting job ${this.opts.jobGraph.jobId} without state: no checkpoint has completed yet.`);
  }

  /** As Flink's "Restoring job … from Checkpoint N": which state the tasks start from. */
  private logRestore(from: CheckpointMetadata, where: string): void {
    this.opts.log.info({ checkpointId: from.checkpointId },
      `Restoring job ${this.opts.jobGraph.jobId} from ${from.type === 'SAVEPOINT' ? 'savepoint' : 'checkpoint'} ${from.checkpointId}${where}.`);
  }

  /** The checkpoint or savepoint that tasks deployed from now on start from, if any. */
  get restoreMetadata(): CheckpointMetadata | undefined {
    return this.restoreFrom;
  }

  /** The state subtask `subtaskIndex` of `vertex` starts from, if any. */
  restoreFor(vertex: JobVertexDescriptor, subtaskIndex: number): TaskRestore | undefined {
    return this.restoreFrom && taskRestoreFor(this.restoreFrom, vertex, subtaskIndex);
  }

  acknowledge(ack: CheckpointAcknowledgement): void {
    this.coordinator?.receiveAcknowledge(ack);
  }

  decline(decline: CheckpointDecline): void {
    this.coordinator?.receiveDecline(decline);
  }

  /** The job reached a globally terminal state. */
  shutdown(jobStatus: string): Promise<void> {
    if (!this.coordinatorInstance) return Promise.resolve();
    return this.coordinatorInstance.shutdown(jobStatus).catch((err: unknown) => {
      this.opts.log.warn({ err }, `Shutting down the checkpoint coordinator of job ${this.opts.jobGraph.jobId} failed; some checkpoint files may be left behind.`);
    });
  }
}
