import { HeartbeatManager, type HeartbeatSettings } from '../heartbeat/heartbeat-manager';
import type { Logger } from '../logging/logger';
import type { RpcService } from '../rpc/rpc-service';
import type { TaskExecutorGateway } from '../rpc/gateways';
import type { Scheduler } from '../time/clock';

const RESOURCE_MANAGER = 'resourcemanager';

export interface JobMasterHeartbeatActions {
  /** The TaskManager stopped answering (timeout) or cannot be reached: its slots and the tasks in them are lost. */
  taskManagerLost(taskManagerId: string, cause: string): void;
  /** The job's slots on the TaskManager (its allocation ids), sent with each heartbeat. */
  heldAllocations(taskManagerId: string): readonly string[];
  /** The TaskManager answered with the attempts of this job it runs. */
  reconcile(taskManagerId: string, taskExecutorAddress: string, runningAttempts: readonly string[]): void;
  /** The ResourceManager stopped asking: slots still awaited from it will not come. */
  resourceManagerLost(cause: string): void;
}

/**
 * The JobMaster's heartbeats (Flink's JobMaster heartbeat managers): it asks every TaskManager it
 * holds slots on every heartbeat.interval, telling it which of its slots the job holds, and the answer lists the attempts of the job that run
 * there (so stale ones are cancelled and missing ones failed); a TaskManager that stops answering
 * or cannot be reached loses its slots. The ResourceManager asks the JobMaster in turn; when it
 * stops, the slots the job waits for fail.
 */
export class JobMasterHeartbeats {
  private readonly taskManagers: HeartbeatManager;
  private readonly resourceManager: HeartbeatManager;

  constructor(
    private readonly jobId: string,
    settings: HeartbeatSettings,
    scheduler: Scheduler,
    private readonly rpc: RpcService,
    log: Logger,
    private readonly actions: JobMasterHeartbeatActions,
  ) {
    this.taskManagers = new HeartbeatManager(settings, scheduler, {
      notifyHeartbeatTimeout: (tm) => actions.taskManagerLost(tm, `heartbeat of TaskManager timed out after ${settings.timeoutMs} ms`),
      notifyTargetUnreachable: (tm, cause) => actions.taskManagerLost(tm, `TaskManager unreachable: ${cause instanceof Error ? cause.message : String(cause)}`),
    });
    this.resourceManager = new HeartbeatManager(settings, scheduler, {
      notifyHeartbeatTimeout: () => {
        log.warn({ timeoutMs: settings.timeoutMs }, `The ResourceManager sent no heartbeat request for ${settings.timeoutMs} ms.`);
        actions.resourceManagerLost(`heartbeat of ResourceManager timed out after ${settings.timeoutMs} ms`);
      },
      notifyTargetUnreachable: () => undefined, // only receives
    });
  }

  /** The job declared slots: the ResourceManager must keep asking while it does. */
  expectResourceManager(): void {
    if (!this.resourceManager.isMonitoring(RESOURCE_MANAGER)) this.resourceManager.monitorTarget(RESOURCE_MANAGER);
  }

  fromResourceManager(): void {
    this.resourceManager.received(RESOURCE_MANAGER);
  }

  /** The job holds a slot on the TaskManager: ask it from now on. */
  taskManagerUsed(taskManagerId: string, taskExecutorAddress: string): void {
    if (this.taskManagers.isMonitoring(taskManagerId)) return;
    const te = this.rpc.connect<TaskExecutorGateway>(taskExecutorAddress);
    this.taskManagers.monitorTarget(taskManagerId, () =>
      te.heartbeatFromJobManager(this.jobId, this.actions.heldAllocations(taskManagerId)).then((running) => this.actions.reconcile(taskManagerId, taskExecutorAddress, running)),
    );
  }

  taskManagerUnused(taskManagerId: string): void {
    this.taskManagers.unmonitorTarget(taskManagerId);
  }

  close(): void {
    this.taskManagers.close();
    this.resourceManager.close();
  }
}
