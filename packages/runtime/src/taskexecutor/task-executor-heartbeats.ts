import { HeartbeatManager, type HeartbeatSettings } from '../heartbeat/heartbeat-manager';
import type { Logger } from '../logging/logger';
import type { Cancellable, Scheduler } from '../time/clock';

const RESOURCE_MANAGER = 'resourcemanager';

export interface TaskExecutorHeartbeatActions {
  /** Registers again at the ResourceManager (reporting the slots and their allocations); rejects when it cannot be reached. */
  reconnectToResourceManager(): Promise<void>;
  /** Frees every slot of the job (its JobMaster is gone): its tasks are canceled. */
  releaseJob(jobId: string, cause: string): void;
}

/**
 * The TaskExecutor's side of the heartbeats (Flink's TaskExecutor heartbeat managers): it is asked by
 * the ResourceManager and by the JobMaster of every job it holds slots for, and notices when either
 * stops asking. A silent ResourceManager is registered at again (every heartbeat.interval until it
 * answers: a restarted JobManager, or the same one after a network cut, learns the slots and their
 * allocations from the registration); a silent JobMaster's slots are freed, cancelling its tasks.
 */
export class TaskExecutorHeartbeats {
  private readonly resourceManager: HeartbeatManager;
  private readonly jobManagers: HeartbeatManager;
  private reconnecting: Cancellable | undefined;
  private closed = false;

  constructor(
    private readonly settings: HeartbeatSettings,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
    private readonly actions: TaskExecutorHeartbeatActions,
  ) {
    this.resourceManager = new HeartbeatManager(settings, scheduler, {
      notifyHeartbeatTimeout: () => this.resourceManagerLost(`no heartbeat request from the ResourceManager for ${settings.timeoutMs} ms`),
      notifyTargetUnreachable: () => undefined, // only receives: never sends, so never unreachable
    });
    this.jobManagers = new HeartbeatManager(settings, scheduler, {
      notifyHeartbeatTimeout: (jobId) => {
        this.log.warn({ jobId, timeoutMs: settings.timeoutMs }, `The JobMaster of job ${jobId} sent no heartbeat request for ${settings.timeoutMs} ms; freeing its slots.`);
        actions.releaseJob(jobId, `heartbeat of JobMaster timed out after ${settings.timeoutMs} ms`);
      },
      notifyTargetUnreachable: () => undefined,
    });
  }

  /** Registered at the ResourceManager: from now on it must keep asking. */
  registeredAtResourceManager(): void {
    this.resourceManager.monitorTarget(RESOURCE_MANAGER);
  }

  fromResourceManager(): void {
    this.resourceManager.received(RESOURCE_MANAGER);
  }

  /** A slot was allocated to the job: its JobMaster must keep asking. */
  jobAllocated(jobId: string): void {
    if (!this.jobManagers.isMonitoring(jobId)) this.jobManagers.monitorTarget(jobId);
  }

  /** The job holds no slot here any more. */
  jobReleased(jobId: string): void {
    this.jobManagers.unmonitorTarget(jobId);
  }

  fromJobManager(jobId: string): void {
    this.jobManagers.received(jobId);
  }

  close(): void {
    this.closed = true;
    this.reconnecting?.cancel();
    this.resourceManager.close();
    this.jobManagers.close();
  }

  private resourceManagerLost(reason: string): void {
    if (this.closed) return;
    this.log.warn({ reason }, `Lost the ResourceManager (${reason}); registering again.`);
    this.actions.reconnectToResourceManager().then(
      () => {
        this.log.info({}, 'Registered at the ResourceManager again.');
        this.registeredAtResourceManager();
      },
      (err: unknown) => {
        if (this.closed) return;
        this.log.warn({ err, retryInMs: this.settings.intervalMs }, `Could not register at the ResourceManager; trying again in ${this.settings.intervalMs} ms.`);
        this.reconnecting = this.scheduler.schedule(this.settings.intervalMs, () => this.resourceManagerLost('the last registration attempt failed'));
      },
    );
  }
}
