import 'reflect-metadata';
import { inject, injectable } from 'inversify';
import { FlottError, serializeError } from '@flott/core';
import { SlotRequestTimeoutError } from '../errors';
import type {
  JobMasterGateway,
  ResourceManagerGateway,
  ResourceOverview,
  TaskExecutorGateway,
  TaskExecutorRegistration,
} from '../rpc/gateways';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { RpcService } from '../rpc/rpc-service';
import type { Cancellable, Scheduler } from '../time/clock';

/** The TaskManager holding a slot of the job left the cluster (its tasks are gone with it). */
export class TaskManagerLostError extends FlottError {
  constructor(resourceId: string, cause: string, allocationId: string, jobId: string | undefined) {
    super('TASK_MANAGER_LOST', `TaskManager ${resourceId} disconnected (${cause}); slot ${allocationId} is lost`, { resourceId, cause, allocationId, jobId });
  }
}

interface RegisteredSlot {
  readonly resourceId: string;
  readonly slotIndex: number;
  allocationId?: string;
  jobId?: string;
  /** Known for slots this ResourceManager assigned (not for allocations a registering TaskExecutor reports). */
  jobMasterAddress?: string;
}

interface PendingRequest {
  readonly jobId: string;
  readonly allocationId: string;
  readonly jobMasterAddress: string;
  readonly timer: Cancellable;
}

export interface ResourceManagerOptions {
  readonly rpc: RpcService;
  readonly scheduler: Scheduler;
  /** How long a slot request may wait for a free slot (slot.request.timeout). */
  readonly slotRequestTimeoutMs: number;
  /** False for standalone/MiniCluster: no driver can start more TaskManagers. */
  readonly canStartWorkers: boolean;
  /** Silent by default. */
  readonly logger?: Logger;
}
/** The ResourceManager's collaborators, as the cluster's container resolves them (wiring/cluster-container.ts). */
export const ResourceManagerOptions = Symbol.for('flott.ResourceManagerOptions');

/**
 * The ResourceManager with its slot manager (Flink's): TaskExecutors register their slots; a
 * JobMaster's slot request is acknowledged at once and matched to a free slot, whose TaskExecutor
 * is told to offer it to that JobMaster. Requests that find no free slot wait, in arrival order,
 * bounded by slot.request.timeout. Every failure of a request, and the loss of an assigned slot when
 * its TaskExecutor disconnects, is reported to the JobMaster (notifyAllocationFailure). All calls
 * run on the JobManager's event loop.
 */
@injectable()
export class ResourceManager implements ResourceManagerGateway {
  readonly address: string;
  readonly resourceManagerId = `rm-${process.pid}`;
  private readonly taskExecutors = new Map<string, { address: string; gateway: TaskExecutorGateway }>();
  private readonly slots: RegisteredSlot[] = [];
  private readonly pending: PendingRequest[] = [];
  private readonly log: Logger;

  constructor(@inject(ResourceManagerOptions) private readonly opts: ResourceManagerOptions) {
    this.address = opts.rpc.register('resourcemanager', this as ResourceManagerGateway);
    this.log = (opts.logger ?? SILENT_LOGGER).child({ component: 'ResourceManager' });
  }

  async registerTaskExecutor(registration: TaskExecutorRegistration): Promise<{ resourceManagerId: string }> {
    const jobMasters = new Map<string, string>();
    if (this.taskExecutors.has(registration.resourceId)) {
      // A TaskExecutor that comes back keeps the allocations it still reports; the others are lost.
      for (const s of this.slots) {
        if (s.resourceId === registration.resourceId && s.allocationId && s.jobMasterAddress) jobMasters.set(s.allocationId, s.jobMasterAddress);
      }
      const reported = new Set(registration.slots.map((s) => s.allocationId).filter((a): a is string => a !== undefined));
      this.removeTaskExecutor(registration.resourceId, 're-registration', reported);
    }
    this.taskExecutors.set(registration.resourceId, {
      address: registration.address,
      gateway: this.opts.rpc.connect<TaskExecutorGateway>(registration.address),
    });
    for (const s of registration.slots) {
      const jobMasterAddress = s.allocationId ? jobMasters.get(s.allocationId) : undefined;
      this.slots.push({ resourceId: registration.resourceId, slotIndex: s.slotIndex, allocationId: s.allocationId, jobId: s.jobId, jobMasterAddress });
    }
    this.log.info(
      { resourceId: registration.resourceId, slots: registration.slots.length },
      `Registering TaskManager ${registration.resourceId} at ${registration.address} with ${registration.slots.length} slot(s).`,
    );
    this.matchPending();
    return { resourceManagerId: this.resourceManagerId };
  }

  async disconnectTaskExecutor(resourceId: string, cause: string): Promise<void> {
    this.log.warn({ resourceId, cause }, `TaskManager ${resourceId} disconnected: ${cause}.`);
    this.removeTaskExecutor(resourceId, cause, new Set());
  }

  async requestSlot(jobId: string, allocationId: string, jobMasterAddress: string): Promise<void> {
    const timeoutMs = this.opts.slotRequestTimeoutMs;
    const timer = this.opts.scheduler.schedule(timeoutMs, () => {
      const i = this.pending.findIndex((p) => p.allocationId === allocationId);
      if (i < 0) return;
      this.pending.splice(i, 1);
      this.log.warn({ jobId, allocationId, timeoutMs }, `Slot request ${allocationId} of job ${jobId} timed out after ${timeoutMs} ms.`);
      this.notifyAllocationFailure(jobMasterAddress, allocationId, new SlotRequestTimeoutError(jobId, 1, timeoutMs));
    });
    this.pending.push({ jobId, allocationId, jobMasterAddress, timer });
    this.matchPending();
  }

  async cancelSlotRequest(allocationId: string): Promise<void> {
    const i = this.pending.findIndex((p) => p.allocationId === allocationId);
    if (i >= 0) this.pending.splice(i, 1)[0].timer.cancel();
  }

  async notifySlotAvailable(resourceId: string, slotIndex: number, allocationId: string): Promise<void> {
    const slot = this.slots.find((s) => s.resourceId === resourceId && s.slotIndex === slotIndex);
    if (slot && slot.allocationId === allocationId) {
      this.freeSlot(slot);
      this.matchPending();
    }
  }

  async getOverview(): Promise<ResourceOverview> {
    return {
      taskManagers: this.taskExecutors.size,
      slotsTotal: this.slots.length,
      slotsAvailable: this.slots.filter((s) => !s.allocationId).length,
      canStartWorkers: this.opts.canStartWorkers,
    };
  }

  async close(): Promise<void> {
    for (const p of this.pending.splice(0)) {
      p.timer.cancel();
      this.notifyAllocationFailure(p.jobMasterAddress, p.allocationId, new FlottError('RESOURCE_MANAGER_CLOSED', 'The ResourceManager shut down'));
    }
    this.opts.rpc.unregister(this.address);
  }

  /** Forgets the TaskExecutor's slots; the JobMasters of assigned ones (except `keep`) hear they are lost. */
  private removeTaskExecutor(resourceId: string, cause: string, keep: ReadonlySet<string>): void {
    this.taskExecutors.delete(resourceId);
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const slot = this.slots[i];
      if (slot.resourceId !== resourceId) continue;
      this.slots.splice(i, 1);
      const { allocationId, jobId, jobMasterAddress } = slot;
      if (allocationId && jobMasterAddress && !keep.has(allocationId)) {
        this.notifyAllocationFailure(jobMasterAddress, allocationId, new TaskManagerLostError(resourceId, cause, allocationId, jobId));
      }
      this.freeSlot(slot);
    }
  }

  private freeSlot(slot: RegisteredSlot): void {
    slot.allocationId = undefined;
    slot.jobId = undefined;
    slot.jobMasterAddress = undefined;
  }

  /** Best effort: a JobMaster that is gone needs no answer (logged, as one that is there but failed to hear it). */
  private notifyAllocationFailure(jobMasterAddress: string, allocationId: string, cause: Error): void {
    this.opts.rpc.connect<JobMasterGateway>(jobMasterAddress).notifyAllocationFailure(allocationId, serializeError(cause)).catch((err: unknown) => {
      this.log.warn({ err, allocationId, cause: cause.message }, `Could not tell JobMaster ${jobMasterAddress} that allocation ${allocationId} failed.`);
    });
  }

  private matchPending(): void {
    while (this.pending.length > 0) {
      const free = this.slots.find((s) => !s.allocationId);
      if (!free) return;
      const request = this.pending.shift()!;
      request.timer.cancel();
      Object.assign(free, { allocationId: request.allocationId, jobId: request.jobId, jobMasterAddress: request.jobMasterAddress });
      const te = this.taskExecutors.get(free.resourceId)!;
      te.gateway.requestSlot(free.slotIndex, request.jobId, request.allocationId, request.jobMasterAddress).catch((e: unknown) => {
        if (free.allocationId !== request.allocationId) return; // freed meanwhile, or reported lost with its TaskExecutor
        this.log.warn({ err: e, jobId: request.jobId, allocationId: request.allocationId, resourceId: free.resourceId }, `TaskManager ${free.resourceId} did not take slot request ${request.allocationId}.`);
        this.freeSlot(free);
        this.notifyAllocationFailure(request.jobMasterAddress, request.allocationId, e instanceof Error ? e : new Error(String(e)));
        this.matchPending();
      });
    }
  }
}
