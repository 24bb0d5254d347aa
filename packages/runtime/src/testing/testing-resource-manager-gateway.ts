import type { JobMasterRef, ResourceManagerGateway, ResourceOverview, ResourceRequirements, TaskExecutorRegistration, TaskManagerInfo, TaskManagerStatsEntry } from '../rpc/gateways';

export interface ResourceDeclaration {
  readonly jobMasterAddress: string;
  readonly jobMaster: JobMasterRef;
  readonly requirements: ResourceRequirements;
}

/**
 * A ResourceManager for SlotPool and JobMaster tests, called directly or served on an RpcService by
 * the test. It records every call; declarations are acknowledged and nothing else happens until the
 * test plays a TaskExecutor's offer (or the failure) itself. `with*` overrides replace a call's
 * behaviour after it was recorded.
 */
export class TestingResourceManagerGateway implements ResourceManagerGateway {
  readonly registrations: TaskExecutorRegistration[] = [];
  readonly disconnections: Array<{ readonly resourceId: string; readonly cause: string }> = [];
  readonly declarations: ResourceDeclaration[] = [];
  readonly availableSlots: Array<{ readonly resourceId: string; readonly slotIndex: number; readonly allocationId: string }> = [];
  private declareHook: (declaration: ResourceDeclaration) => Promise<void> = async () => undefined;
  private stats: TaskManagerStatsEntry[] = [];
  private overview: ResourceOverview = { taskManagers: 1, slotsTotal: 1, slotsAvailable: 1, canStartWorkers: false };

  /** Replaces how a declaration is answered, e.g. reject it as an unreachable ResourceManager would. */
  withDeclareRequiredResources(hook: (declaration: ResourceDeclaration) => Promise<void>): this {
    this.declareHook = hook;
    return this;
  }

  withOverview(overview: Partial<ResourceOverview>): this {
    this.overview = { ...this.overview, ...overview };
    return this;
  }

  /** What requestTaskManagerStats answers (none by default). */
  withTaskManagerStats(stats: TaskManagerStatsEntry[]): this {
    this.stats = stats;
    return this;
  }

  /** The numbers of required slots declared, in order. */
  declaredSlots(): number[] {
    return this.declarations.map((d) => d.requirements.numberOfRequiredSlots);
  }

  async registerTaskExecutor(registration: TaskExecutorRegistration): Promise<{ resourceManagerId: string }> {
    this.registrations.push(registration);
    return { resourceManagerId: 'testing-rm' };
  }

  async disconnectTaskExecutor(resourceId: string, cause: string): Promise<void> {
    this.disconnections.push({ resourceId, cause });
  }

  async declareRequiredResources(jobMaster: JobMasterRef, requirements: ResourceRequirements): Promise<void> {
    const declaration = { jobMasterAddress: jobMaster.address, jobMaster, requirements };
    this.declarations.push(declaration);
    return this.declareHook(declaration);
  }

  async notifySlotAvailable(resourceId: string, slotIndex: number, allocationId: string): Promise<void> {
    this.availableSlots.push({ resourceId, slotIndex, allocationId });
  }

  async getOverview(): Promise<ResourceOverview> {
    return this.overview;
  }

  async requestTaskManagerInfo(): Promise<TaskManagerInfo[]> {
    return this.registrations.map((r) => ({
      resourceId: r.resourceId, address: r.address, dataPort: r.dataPort ?? -1, slotsNumber: r.slots.length, freeSlots: r.slots.length, timeSinceLastHeartbeatMs: 0,
    }));
  }

  async requestTaskManagerStats(_timeoutMs: number): Promise<TaskManagerStatsEntry[]> {
    return this.stats;
  }
}
