import { FlottError } from '@flott/core';
import type {
  ResourceManagerGateway,
  ResourceOverview,
  TaskExecutorGateway,
  TaskExecutorRegistration,
} from '../rpc/gateways';
import type { RpcService } from '../rpc/rpc-service';
import type { Cancellable, Scheduler } from '../time/clock';

interface RegisteredSlot {
  readonly resourceId: string;
  readonly slotIndex: number;
  allocationId?: string;
  jobId?: string;
}

interface PendingRequest {
  readonly jobId: string;
  readonly allocationId: string;
  readonly jobMasterAddress: string;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly timer: Cancellable;
}

export interface ResourceManagerOptions {
  readonly rpc: RpcService;
  readonly scheduler: Scheduler;
  /** How long a slot request may wait for a free slot (slot.request.timeout). */
  readonly slotRequestTimeoutMs: number;
  /** False for standalone/MiniCluster: no driver can start more TaskManagers. */
  readonly canStartWorkers: boolean;
}

/**
 * The ResourceManager with its slot manager (Flink's): TaskExecutors register their slots; a
 * JobMaster's slot request is matched to a free slot, whose TaskExecutor is told to offer it to that
 * JobMaster. Requests that find no free slot wait (bounded by slot.request.timeout).
 */
export class ResourceManager implements ResourceManagerGateway {
  readonly address: string;
  readonly resourceManagerId = `rm-${process.pid}`;
  private readonly taskExecutors = new Map<string, { address: string; gateway: TaskExecutorGateway }>();
  private readonly slots: RegisteredSlot[] = [];
  private readonly pending: PendingRequest[] = [];

  constructor(private readonly opts: ResourceManagerOptions) {
    this.address = opts.rpc.register('resourcemanager', this as ResourceManagerGateway);
  }

  async registerTaskExecutor(registration: TaskExecutorRegistration): Promise<{ resourceManagerId: string }> {
    if (this.taskExecutors.has(registration.resourceId)) await this.disconnectTaskExecutor(registration.resourceId, 're-registration');
    this.taskExecutors.set(registration.resourceId, {
      address: registration.address,
      gateway: this.opts.rpc.connect<TaskExecutorGateway>(registration.address),
    });
    for (const s of registration.slots) {
      this.slots.push({ resourceId: registration.resourceId, slotIndex: s.slotIndex, allocationId: s.allocationId, jobId: s.jobId });
    }
    this.matchPending();
    return { resourceManagerId: this.resourceManagerId };
  }

  async disconnectTaskExecutor(resourceId: string, _cause: string): Promise<void> {
    this.taskExecutors.delete(resourceId);
    for (let i = this.slots.length - 1; i >= 0; i--) if (this.slots[i].resourceId === resourceId) this.slots.splice(i, 1);
  }

  requestSlot(jobId: string, allocationId: string, jobMasterAddress: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timeoutMs = this.opts.slotRequestTimeoutMs;
      const timer = this.opts.scheduler.schedule(timeoutMs, () => {
        const i = this.pending.findIndex((p) => p.allocationId === allocationId);
        if (i >= 0) {
          this.pending.splice(i, 1);
          reject(new FlottError('SLOT_REQUEST_TIMEOUT', `No slot became free within ${timeoutMs} ms (slot.request.timeout)`, { jobId, allocationId, timeoutMs }));
        }
      });
      this.pending.push({ jobId, allocationId, jobMasterAddress, resolve, reject, timer });
      this.matchPending();
    });
  }

  async cancelSlotRequest(allocationId: string): Promise<void> {
    const i = this.pending.findIndex((p) => p.allocationId === allocationId);
    if (i >= 0) {
      const [p] = this.pending.splice(i, 1);
      p.timer.cancel();
      p.reject(new FlottError('SLOT_REQUEST_CANCELED', `Slot request ${allocationId} canceled`, { allocationId }));
    }
  }

  async notifySlotAvailable(resourceId: string, slotIndex: number, allocationId: string): Promise<void> {
    const slot = this.slots.find((s) => s.resourceId === resourceId && s.slotIndex === slotIndex);
    if (slot && slot.allocationId === allocationId) {
      slot.allocationId = undefined;
      slot.jobId = undefined;
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
      p.reject(new FlottError('RESOURCE_MANAGER_CLOSED', 'The ResourceManager shut down'));
    }
    this.opts.rpc.unregister(this.address);
  }

  private matchPending(): void {
    while (this.pending.length > 0) {
      const free = this.slots.find((s) => !s.allocationId);
      if (!free) return;
      const request = this.pending.shift()!;
      request.timer.cancel();
      free.allocationId = request.allocationId;
      free.jobId = request.jobId;
      const te = this.taskExecutors.get(free.resourceId)!;
      te.gateway.requestSlot(free.slotIndex, request.jobId, request.allocationId, request.jobMasterAddress).then(request.resolve, (e: Error) => {
        free.allocationId = undefined;
        free.jobId = undefined;
        request.reject(e);
      });
    }
  }
}
