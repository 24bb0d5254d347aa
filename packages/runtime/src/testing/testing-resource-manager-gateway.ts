import type { ResourceManagerGateway, ResourceOverview, TaskExecutorRegistration } from '../rpc/gateways';

export interface SlotRequest {
  readonly jobId: string;
  readonly allocationId: string;
  readonly jobMasterAddress: string;
}

/**
 * A ResourceManager for SlotPool and JobMaster tests, called directly or served on an RpcService by
 * the test. It records every call; slot requests are acknowledged and nothing else happens until the
 * test plays the TaskExecutor's offer (or the failure) itself. `with*` overrides replace a call's
 * behaviour after it was recorded.
 */
export class TestingResourceManagerGateway implements ResourceManagerGateway {
  readonly registrations: TaskExecutorRegistration[] = [];
  readonly disconnections: Array<{ readonly resourceId: string; readonly cause: string }> = [];
  readonly slotRequests: SlotRequest[] = [];
  readonly canceledRequests: string[] = [];
  readonly availableSlots: Array<{ readonly resourceId: string; readonly slotIndex: number; readonly allocationId: string }> = [];
  private requestSlotHook: (request: SlotRequest) => Promise<void> = async () => undefined;
  private overview: ResourceOverview = { taskManagers: 1, slotsTotal: 1, slotsAvailable: 1, canStartWorkers: false };

  /** Replaces how a slot request is answered, e.g. reject it as an unreachable ResourceManager would. */
  withRequestSlot(hook: (request: SlotRequest) => Promise<void>): this {
    this.requestSlotHook = hook;
    return this;
  }

  withOverview(overview: Partial<ResourceOverview>): this {
    this.overview = { ...this.overview, ...overview };
    return this;
  }

  /** Allocation ids of the requests, in request order. */
  requestedAllocations(): string[] {
    return this.slotRequests.map((r) => r.allocationId);
  }

  async registerTaskExecutor(registration: TaskExecutorRegistration): Promise<{ resourceManagerId: string }> {
    this.registrations.push(registration);
    return { resourceManagerId: 'testing-rm' };
  }

  async disconnectTaskExecutor(resourceId: string, cause: string): Promise<void> {
    this.disconnections.push({ resourceId, cause });
  }

  async requestSlot(jobId: string, allocationId: string, jobMasterAddress: string): Promise<void> {
    const request = { jobId, allocationId, jobMasterAddress };
    this.slotRequests.push(request);
    return this.requestSlotHook(request);
  }

  async cancelSlotRequest(allocationId: string): Promise<void> {
    this.canceledRequests.push(allocationId);
  }

  async notifySlotAvailable(resourceId: string, slotIndex: number, allocationId: string): Promise<void> {
    this.availableSlots.push({ resourceId, slotIndex, allocationId });
  }

  async getOverview(): Promise<ResourceOverview> {
    return this.overview;
  }
}
