import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { FlottError, serializeError } from '@flott/core';
import type {
  JobMasterGateway,
  JobMasterRef,
  ResourceManagerGateway,
  ResourceOverview,
  ResourceRequirements,
  TaskExecutorGateway,
  TaskManagerInfo,
  TaskManagerStatsEntry,
  TaskExecutorRegistration,
} from '../rpc/gateways';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { RpcService } from '../rpc/rpc-service';
import type { ResourceManagerDriver, WorkerResourceSpec } from '../spi/resource-manager-driver';
import { SystemClock, type Cancellable, type Scheduler } from '../time/clock';
import type { Clock } from '@flott/core';
import { SystemIdGenerator, type IdGenerator } from '../time/ids';
import { HeartbeatManager, type HeartbeatSettings } from '../heartbeat/heartbeat-manager';
import { LeaderSession } from '../leader/leader-tracker';
import { SlotManager } from './slot-manager';
import { WorkerTracker } from './worker-tracker';
import { requestStatsFromTaskManagers } from './task-manager-stats';

export { TaskManagerLostError } from '../errors';

export interface ResourceManagerOptions {
  readonly rpc: RpcService;
  readonly scheduler: Scheduler;
  /** Allocation ids; the process's own randomness when not given. */
  readonly ids?: IdGenerator;
  /**
   * The platform driver that starts and stops TaskManagers (resourcemanager.type), with the spec of a
   * worker; none for standalone, where TaskManagers register themselves.
   */
  readonly driver?: { readonly driver: ResourceManagerDriver; readonly workerSpec: WorkerResourceSpec };
  /** resourcemanager.taskmanager-timeout: idle workers a driver started are stopped after this long. */
  readonly taskManagerTimeoutMs?: number;
  /** resourcemanager.start-worker.retry-interval: the wait before a worker that failed to start is asked for again. */
  readonly startWorkerRetryIntervalMs?: number;
  /** For the time since a TaskManager's last heartbeat; the system clock when not given. */
  readonly clock?: Clock;
  /** heartbeat.* (Flink's defaults when not given): the ResourceManager asks TaskExecutors and JobMasters. */
  readonly heartbeat?: HeartbeatSettings;
  /** Silent by default. */
  readonly logger?: Logger;
  /**
   * resourcemanager.standalone.start-up-time: without a driver, for this long after start() the
   * overview says that slots may still come (TaskManagers registering), so a job waits for them.
   */
  readonly standaloneStartupPeriodMs?: number;
}
/** The ResourceManager's collaborators, as the cluster's container resolves them (wiring/cluster-container.ts). */
export const ResourceManagerOptions = Symbol.for('flott.ResourceManagerOptions');

const DEFAULT_TASK_MANAGER_TIMEOUT_MS = 30_000;
const DEFAULT_START_WORKER_RETRY_INTERVAL_MS = 3_000;
export const DEFAULT_HEARTBEAT_SETTINGS: HeartbeatSettings = { intervalMs: 10_000, timeoutMs: 50_000, rpcFailureThreshold: 2 };

/**
 * The ResourceManager (Flink's): TaskExecutors register their slots; JobMasters declare how many
 * slots they need; the SlotManager matches the two and, when slots are short, the driver (if there
 * is one) starts workers through the ResourceEventHandler contract of spi/resource-manager-driver.ts.
 * Every loss of an allocated slot (its TaskExecutor disconnected, refused it, or its worker
 * terminated) is reported to the JobMaster (notifyAllocationFailure). All calls run on the
 * JobManager's event loop.
 */
@injectable()
export class ResourceManager implements ResourceManagerGateway {
  readonly address: string;
  /** The leader session id the HA services granted: the fencing token of this gateway (Flink's ResourceManagerId). */
  private readonly leadership = new LeaderSession('ResourceManager', () => this.address, () => this.log);
  private readonly slotManager: SlotManager;
  private readonly workers: WorkerTracker | undefined;
  private readonly jobMasters = new Map<string, JobMasterRef>();
  private readonly log: Logger;
  private closed = false;
  /** TaskExecutors by resource id. */
  private readonly taskManagerHeartbeats: HeartbeatManager;
  /** JobMasters that declared slots, by job id. */
  private readonly jobMasterHeartbeats: HeartbeatManager;
  /** When each TaskManager last answered a heartbeat (or registered), and its data port. */
  private readonly taskManagerSeen = new Map<string, { at: number; dataPort: number }>();
  /** Watches of the connections to registered TaskManagers: a closed one disconnects the TaskManager at once. */
  private readonly taskManagerWatches = new Map<string, Cancellable>();
  private readonly clock: Clock;
  /** When start() ran: the standalone start-up period counts from here. */
  private startedAt?: number;

  constructor(@inject(ResourceManagerOptions) private readonly opts: ResourceManagerOptions) {
    this.address = opts.rpc.register('resourcemanager', this as ResourceManagerGateway, { fencingToken: this.leadership.token });
    this.log = (opts.logger ?? SILENT_LOGGER).child({ component: 'ResourceManager' });
    this.clock = opts.clock ?? new SystemClock();
    this.workers = opts.driver
      ? new WorkerTracker(opts.driver.driver, opts.driver.workerSpec, {
          logger: this.log,
          scheduler: opts.scheduler,
          startRetryIntervalMs: opts.startWorkerRetryIntervalMs ?? DEFAULT_START_WORKER_RETRY_INTERVAL_MS,
          onWorkerTerminated: (resourceId, diagnostics) => this.onWorkerTerminated(resourceId, diagnostics),
          onWorkerReleased: (resourceId, cause) => this.forgetTaskManager(resourceId, `released: ${cause}`),
          onPendingWorkerLost: (slots) => this.slotManager.pendingWorkerLost(slots),
        })
      : undefined;
    this.slotManager = new SlotManager({
      scheduler: opts.scheduler,
      ids: opts.ids ?? new SystemIdGenerator(),
      taskManagerTimeoutMs: opts.taskManagerTimeoutMs ?? DEFAULT_TASK_MANAGER_TIMEOUT_MS,
      logger: this.log,
      allocator: this.workers ?? { canStartWorkers: false, slotsPerWorker: 1, requestWorkers: () => undefined, releaseWorker: () => undefined },
      onAllocationFailure: (jobMaster, allocationId, cause) => this.notifyAllocationFailure(jobMaster, allocationId, cause),
      resourceManagerId: () => this.resourceManagerId,
    });
    const heartbeat = opts.heartbeat ?? DEFAULT_HEARTBEAT_SETTINGS;
    this.taskManagerHeartbeats = new HeartbeatManager(heartbeat, opts.scheduler, {
      notifyHeartbeatTimeout: (resourceId) => void this.disconnectTaskExecutor(resourceId, `heartbeat of TaskManager timed out after ${heartbeat.timeoutMs} ms`),
      notifyTargetUnreachable: (resourceId, cause) => void this.disconnectTaskExecutor(resourceId, `TaskManager unreachable: ${errorMessage(cause)}`),
    });
    this.jobMasterHeartbeats = new HeartbeatManager(heartbeat, opts.scheduler, {
      notifyHeartbeatTimeout: (jobId) => this.disconnectJobMaster(jobId, `heartbeat of JobMaster timed out after ${heartbeat.timeoutMs} ms`),
      notifyTargetUnreachable: (jobId, cause) => this.disconnectJobMaster(jobId, `JobMaster unreachable: ${errorMessage(cause)}`),
    });
  }

  /** The leader session id (Flink's ResourceManagerId): heartbeats and slot requests carry it. */
  get resourceManagerId(): string {
    return this.leadership.current();
  }

  /** The HA services made this ResourceManager the leader: calls carrying `sessionId` are accepted from now on. */
  grantLeadership(sessionId: string): void {
    this.leadership.grant(sessionId);
  }

  /** Leadership lost: every call is refused (UNKNOWN_FENCING_TOKEN) until it is granted again. */
  revokeLeadership(): void {
    this.leadership.revoke();
  }

  /** Initialises the driver (which reports the workers of a previous attempt); a no-op for standalone. */
  async start(): Promise<void> {
    this.startedAt = this.clock.currentTimeMillis();
    await this.workers?.initialize();
  }

  async registerTaskExecutor(registration: TaskExecutorRegistration): Promise<{ resourceManagerId: string }> {
    let jobMasters = new Map<string, JobMasterRef>();
    if (this.slotManager.isRegistered(registration.resourceId)) {
      // A TaskExecutor that comes back keeps the allocations it still reports; the others are lost.
      jobMasters = this.slotManager.jobMastersOf(registration.resourceId);
      const reported = new Set(registration.slots.map((s) => s.allocationId).filter((a): a is string => a !== undefined));
      this.slotManager.unregisterTaskManager(registration.resourceId, 're-registration', reported);
    }
    const fromPendingWorker = this.workers?.registered(registration.resourceId) ?? false;
    this.log.info(
      { resourceId: registration.resourceId, slots: registration.slots.length },
      `Registering TaskManager ${registration.resourceId} at ${registration.address} with ${registration.slots.length} slot(s).`,
    );
    const gateway = this.opts.rpc.connect<TaskExecutorGateway>(registration.address);
    const { totalResources, defaultSlotResources } = registration;
    this.slotManager.registerTaskManager(registration.resourceId, registration.address, gateway, registration.slots, jobMasters, fromPendingWorker, {
      ...(totalResources ? { totalResources } : {}), ...(defaultSlotResources ? { defaultSlotResources } : {}),
    });
    this.taskManagerWatches.get(registration.resourceId)?.cancel();
    this.taskManagerWatches.set(
      registration.resourceId,
      this.opts.rpc.watch(registration.address, (cause) => {
        if (this.taskManagerWatches.get(registration.resourceId) === undefined) return;
        void this.disconnectTaskExecutor(registration.resourceId, `connection to TaskManager lost: ${cause.message}`);
      }),
    );
    const seen = { at: this.clock.currentTimeMillis(), dataPort: registration.dataPort ?? -1 };
    this.taskManagerSeen.set(registration.resourceId, seen);
    this.taskManagerHeartbeats.monitorTarget(registration.resourceId, () =>
      gateway.heartbeatFromResourceManager(this.resourceManagerId).then((report) => {
        seen.at = this.clock.currentTimeMillis();
        if (this.slotManager.isRegistered(registration.resourceId)) this.slotManager.reconcileSlotReport(registration.resourceId, report);
      }),
    );
    return { resourceManagerId: this.resourceManagerId };
  }

  async disconnectTaskExecutor(resourceId: string, cause: string): Promise<void> {
    this.log.warn({ resourceId, cause }, `TaskManager ${resourceId} disconnected: ${cause}.`);
    this.forgetTaskManager(resourceId, cause);
  }

  async declareRequiredResources(jobMaster: JobMasterRef, requirements: ResourceRequirements): Promise<void> {
    if (this.closed) throw new ResourceManagerClosedError();
    const { jobId } = requirements;
    if (requirements.numberOfRequiredSlots > 0) {
      const known = this.jobMasters.get(jobId);
      if (known?.address !== jobMaster.address || known.jobMasterId !== jobMaster.jobMasterId) {
        const jm = this.jobMaster(jobMaster);
        this.jobMasterHeartbeats.monitorTarget(jobId, () => jm.heartbeatFromResourceManager(this.resourceManagerId));
      }
      this.jobMasters.set(jobId, jobMaster);
    } else {
      this.jobMasters.delete(jobId);
      this.jobMasterHeartbeats.unmonitorTarget(jobId);
    }
    this.log.debug({ ...requirements }, `Job ${requirements.jobId} declares ${requirements.numberOfRequiredSlots} required slot(s).`);
    this.slotManager.processResourceRequirements(requirements.jobId, jobMaster, requirements.numberOfRequiredSlots, requirements.resources ?? []);
  }

  async notifySlotAvailable(resourceId: string, slotIndex: number, allocationId: string): Promise<void> {
    this.slotManager.freeSlot(resourceId, slotIndex, allocationId);
  }

  async getOverview(): Promise<ResourceOverview> {
    const overview = this.slotManager.overview();
    const inStartupPeriod = this.startedAt !== undefined && this.clock.currentTimeMillis() < this.startedAt + (this.opts.standaloneStartupPeriodMs ?? 0);
    return !overview.canStartWorkers && inStartupPeriod ? { ...overview, canStartWorkers: true } : overview;
  }

  async requestTaskManagerInfo(): Promise<TaskManagerInfo[]> {
    const now = this.clock.currentTimeMillis();
    return this.slotManager.taskManagerSlots().map((tm) => {
      const seen = this.taskManagerSeen.get(tm.resourceId);
      return { ...tm, dataPort: seen?.dataPort ?? -1, timeSinceLastHeartbeatMs: seen ? Math.max(0, now - seen.at) : 0 };
    });
  }

  async requestTaskManagerStats(timeoutMs: number): Promise<TaskManagerStatsEntry[]> {
    const targets = this.slotManager.taskManagerSlots().map((tm) => ({ resourceId: tm.resourceId, gateway: this.opts.rpc.connect<TaskExecutorGateway>(tm.address) }));
    return requestStatsFromTaskManagers(targets, timeoutMs, this.opts.scheduler, this.log);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.taskManagerHeartbeats.close();
    this.jobMasterHeartbeats.close();
    for (const w of this.taskManagerWatches.values()) w.cancel();
    this.taskManagerWatches.clear();
    this.slotManager.close();
    const cause = serializeError(new ResourceManagerClosedError());
    for (const [jobId, jobMaster] of this.jobMasters) {
      this.jobMaster(jobMaster).disconnectResourceManager(cause).catch((err: unknown) => {
        this.log.warn({ err, jobId }, `Could not tell JobMaster ${jobMaster.address} that the ResourceManager shut down.`);
      });
    }
    this.jobMasters.clear();
    await this.workers?.terminate();
    this.opts.rpc.unregister(this.address);
  }

  /** A JobMaster that stopped answering: what it declared is dropped (its TaskExecutors free its slots when they stop hearing from it). */
  private disconnectJobMaster(jobId: string, cause: string): void {
    this.log.warn({ jobId, cause }, `JobMaster of job ${jobId} disconnected: ${cause}.`);
    const jobMaster = this.jobMasters.get(jobId);
    this.jobMasters.delete(jobId);
    if (jobMaster) this.slotManager.processResourceRequirements(jobId, jobMaster, 0);
  }

  private onWorkerTerminated(resourceId: string, diagnostics: string): void {
    this.log.warn({ resourceId, diagnostics }, `Worker ${resourceId} terminated: ${diagnostics}.`);
    this.forgetTaskManager(resourceId, `worker terminated: ${diagnostics}`);
  }

  /** Stops heartbeats with and watching of the TaskManager, and fails its allocated slots with `cause`. */
  private forgetTaskManager(resourceId: string, cause: string): void {
    this.taskManagerHeartbeats.unmonitorTarget(resourceId);
    this.taskManagerSeen.delete(resourceId);
    this.taskManagerWatches.get(resourceId)?.cancel();
    this.taskManagerWatches.delete(resourceId);
    this.slotManager.unregisterTaskManager(resourceId, cause);
  }

  /** Best effort: a JobMaster that is gone needs no answer (logged, as one that is there but failed to hear it). */
  private notifyAllocationFailure(jobMaster: JobMasterRef, allocationId: string, cause: Error): void {
    this.jobMaster(jobMaster).notifyAllocationFailure(allocationId, serializeError(cause)).catch((err: unknown) => {
      this.log.warn({ err, allocationId, cause: cause.message }, `Could not tell JobMaster ${jobMaster.address} that allocation ${allocationId} failed.`);
    });
  }

  /** The JobMaster's gateway, fenced with its JobMasterId: a newer JobMaster of the job refuses what was meant for this one. */
  private jobMaster(ref: JobMasterRef): JobMasterGateway {
    return this.opts.rpc.connect<JobMasterGateway>(ref.address, { fencingToken: ref.jobMasterId });
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ResourceManagerClosedError extends FlottError {
  constructor() {
    super('RESOURCE_MANAGER_CLOSED', 'The ResourceManager shut down');
  }
}
