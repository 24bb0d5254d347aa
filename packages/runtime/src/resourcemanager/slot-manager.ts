import { MAX_DYNAMIC_SLOTS_PER_TASK_MANAGER, ResourceSpecs, type ResourceSpec } from '../deployment/resource-spec';
import { TaskManagerLostError } from '../errors';
import type { JobMasterRef, ResourceOverview, SlotReportEntry, TaskExecutorGateway } from '../rpc/gateways';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { Cancellable, Scheduler } from '../time/clock';
import type { IdGenerator } from '../time/ids';

/**
 * Starts and stops workers for the SlotManager (Flink's ResourceAllocator): the ResourceManager's
 * driver when it has one. Without one (standalone) only registered TaskManagers are used.
 */
export interface ResourceAllocator {
  /** Whether `requestWorkers` can start anything (false for standalone). */
  readonly canStartWorkers: boolean;
  /** Slots one new worker brings. */
  readonly slotsPerWorker: number;
  /** Resources one new worker brings (absent: it brings default slots only). */
  readonly workerResources?: ResourceSpec;
  /** Start `count` more workers; each registers as a TaskManager when up (or is reported terminated). */
  requestWorkers(count: number): void;
  /** Stop a worker the allocator started (an idle one); no-op for one it does not know. */
  releaseWorker(resourceId: string, cause: string): void;
}

/** Where the SlotManager reports what it cannot do in place: an allocation of a job failed. */
export type AllocationFailureListener = (jobMaster: JobMasterRef, allocationId: string, cause: Error) => void;

export interface SlotManagerOptions {
  readonly scheduler: Scheduler;
  /** Allocation ids (the ResourceManager's, as in Flink's declarative resource management). */
  readonly ids: IdGenerator;
  readonly allocator: ResourceAllocator;
  readonly onAllocationFailure: AllocationFailureListener;
  /** The ResourceManager's leader session id, sent with each slot request so a TaskExecutor can refuse a stale leader's. */
  readonly resourceManagerId: () => string;
  /** resourcemanager.taskmanager-timeout: how long a TaskManager with only free slots is kept before it is released. */
  readonly taskManagerTimeoutMs: number;
  readonly logger?: Logger;
}

interface TrackedSlot {
  readonly resourceId: string;
  readonly slotIndex: number;
  /** A dynamic slot's resources: it exists while allocated. Absent: a default slot, always there. */
  readonly resources?: ResourceSpec;
  allocationId?: string;
  jobId?: string;
  /** Known for slots this SlotManager allocated (not for allocations a registering TaskExecutor reports). */
  jobMaster?: JobMasterRef;
  /** Its slot request is on its way: a report that the slot is free may predate it. */
  pending?: boolean;
}

interface TaskManagerEntry {
  readonly gateway: TaskExecutorGateway;
  readonly address: string;
  /** What its slots may use together, and what one default slot takes (absent: default slots only, unlimited). */
  readonly totalResources?: ResourceSpec;
  readonly defaultSlotResources?: ResourceSpec;
  /** Its default slots are 0..defaultSlots-1; dynamic slots take the indexes after them. */
  readonly defaultSlots: number;
  /** The idle-release timer, while every slot is free. */
  idleTimer?: Cancellable;
}

interface JobRequirement {
  readonly jobMaster: JobMasterRef;
  numberOfRequiredSlots: number;
  /** The slots among them that need particular resources. */
  readonly resources: ReadonlyArray<{ readonly resources: ResourceSpec; readonly numberOfRequiredSlots: number }>;
}

/**
 * Matches the slots jobs declare they need to the slots TaskManagers registered (Flink's
 * DeclarativeSlotManager, and its FineGrainedSlotManager for profiles): a JobMaster declares how many
 * slots it needs in total, and how many of them need particular resources; the SlotManager allocates
 * free default slots, and carves dynamic slots of the requested resources out of what a TaskManager
 * has left of its total (every allocated slot, default or dynamic, takes its share of the total), and
 * when short asks the allocator for new workers, counting the slots of workers already requested.
 * It never takes a slot back from a job: the JobMaster frees what it no longer needs. A TaskManager
 * whose slots have all been free for taskmanager-timeout is released (only an allocator that starts
 * workers stops them). Used on the ResourceManager's event loop only.
 */
export class SlotManager {
  private readonly taskManagers = new Map<string, TaskManagerEntry>();
  private readonly slots: TrackedSlot[] = [];
  private readonly requirements = new Map<string, JobRequirement>();
  /** Slots of workers requested from the allocator that have not registered yet. */
  private pendingWorkerSlots = 0;
  private readonly log: Logger;

  constructor(private readonly opts: SlotManagerOptions) {
    this.log = (opts.logger ?? SILENT_LOGGER).child({ component: 'SlotManager' });
  }

  /** A TaskManager registered its slots (`fromPendingWorker`: one the allocator was asked for). */
  registerTaskManager(
    resourceId: string, address: string, gateway: TaskExecutorGateway, slots: readonly SlotReportEntry[], jobMasters: ReadonlyMap<string, JobMasterRef>,
    fromPendingWorker: boolean, resources: { totalResources?: ResourceSpec; defaultSlotResources?: ResourceSpec } = {},
  ): void {
    const defaultSlots = slots.filter((s) => s.resources === undefined).length;
    this.taskManagers.set(resourceId, { gateway, address, defaultSlots, ...resources });
    if (fromPendingWorker) this.pendingWorkerSlots = Math.max(0, this.pendingWorkerSlots - defaultSlots);
    for (const s of slots) {
      const jobMaster = s.allocationId ? jobMasters.get(s.allocationId) : undefined;
      this.slots.push({ resourceId, slotIndex: s.slotIndex, allocationId: s.allocationId, jobId: s.jobId, jobMaster, ...(s.resources ? { resources: s.resources } : {}) });
    }
    this.checkResourceRequirements();
    this.updateIdle(resourceId);
  }

  isRegistered(resourceId: string): boolean {
    return this.taskManagers.has(resourceId);
  }

  /** The JobMasters of the TaskManager's allocated slots, by allocation id. */
  jobMastersOf(resourceId: string): Map<string, JobMasterRef> {
    const out = new Map<string, JobMasterRef>();
    for (const s of this.slots) if (s.resourceId === resourceId && s.allocationId && s.jobMaster) out.set(s.allocationId, s.jobMaster);
    return out;
  }

  /**
   * Forgets the TaskManager's slots; the JobMasters of allocated ones (except `keep`) hear they are
   * lost. Then looks for replacements for what the jobs still need.
   */
  unregisterTaskManager(resourceId: string, cause: string, keep: ReadonlySet<string> = new Set()): boolean {
    const tm = this.taskManagers.get(resourceId);
    if (!tm) return false;
    tm.idleTimer?.cancel();
    this.taskManagers.delete(resourceId);
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const slot = this.slots[i];
      if (slot.resourceId !== resourceId) continue;
      this.slots.splice(i, 1);
      const { allocationId, jobId, jobMaster } = slot;
      if (allocationId && jobMaster && !keep.has(allocationId)) {
        this.opts.onAllocationFailure(jobMaster, allocationId, new TaskManagerLostError(resourceId, cause, allocationId, jobId));
      }
    }
    this.checkResourceRequirements();
    return true;
  }

  /** A requested worker will never register (it failed to start or died first): its slots are no longer expected. */
  pendingWorkerLost(slots: number): void {
    this.pendingWorkerSlots = Math.max(0, this.pendingWorkerSlots - slots);
    this.checkResourceRequirements();
  }

  /** The job's declaration of how many slots it needs in all (0 when it ended), and of which resources. */
  processResourceRequirements(jobId: string, jobMaster: JobMasterRef, numberOfRequiredSlots: number, resources: JobRequirement['resources'] = []): void {
    if (numberOfRequiredSlots <= 0) {
      this.requirements.delete(jobId);
      return;
    }
    this.requirements.set(jobId, { jobMaster, numberOfRequiredSlots, resources });
    this.checkResourceRequirements();
  }

  /** The TaskExecutor freed a slot (after the job released it, or it refused the offer). */
  freeSlot(resourceId: string, slotIndex: number, allocationId: string): void {
    const slot = this.slots.find((s) => s.resourceId === resourceId && s.slotIndex === slotIndex);
    if (!slot || slot.allocationId !== allocationId) return;
    this.release(slot);
    // A dynamic slot exists only while allocated.
    if (slot.resources) this.slots.splice(this.slots.indexOf(slot), 1);
    this.checkResourceRequirements();
    this.updateIdle(resourceId);
  }

  /**
   * A TaskExecutor's slot report (its heartbeat answer; Flink's reportSlotStatus): a slot allocated here
   * that it reports free was freed there, and the word of it was lost, so it is free again. Slots whose
   * request is still on its way are left alone (the report may be older than the request).
   */
  reconcileSlotReport(resourceId: string, report: readonly SlotReportEntry[]): void {
    let freed = false;
    for (const entry of report) {
      if (entry.allocationId !== undefined) continue;
      const slot = this.slots.find((s) => s.resourceId === resourceId && s.slotIndex === entry.slotIndex);
      if (!slot?.allocationId || slot.pending) continue;
      this.log.info({ resourceId, slotIndex: entry.slotIndex, allocationId: slot.allocationId }, `TaskManager ${resourceId} reports slot ${entry.slotIndex} free; releasing allocation ${slot.allocationId}.`);
      this.release(slot);
      freed = true;
    }
    // A dynamic slot exists there only while allocated: one it no longer reports was freed there.
    const reported = new Set(report.map((e) => e.slotIndex));
    for (const slot of this.slots.filter((s) => s.resourceId === resourceId && s.resources && s.allocationId && !s.pending && !reported.has(s.slotIndex))) {
      this.log.info({ resourceId, slotIndex: slot.slotIndex, allocationId: slot.allocationId }, `TaskManager ${resourceId} no longer reports dynamic slot ${slot.slotIndex}; releasing allocation ${slot.allocationId}.`);
      this.release(slot);
      this.slots.splice(this.slots.indexOf(slot), 1);
      freed = true;
    }
    if (!freed) return;
    this.checkResourceRequirements();
    this.updateIdle(resourceId);
  }

  overview(): ResourceOverview {
    let largest: ResourceSpec | undefined;
    for (const tm of this.taskManagers.values()) {
      const total = tm.totalResources;
      if (total && (!largest || (total.cpuCores >= largest.cpuCores && total.taskHeapMemoryMB >= largest.taskHeapMemoryMB))) largest = total;
    }
    const workerResources = this.opts.allocator.canStartWorkers ? this.opts.allocator.workerResources : undefined;
    return {
      taskManagers: this.taskManagers.size,
      slotsTotal: this.slots.filter((s) => !s.resources).length,
      slotsAvailable: this.slots.filter((s) => !s.allocationId).length,
      canStartWorkers: this.opts.allocator.canStartWorkers,
      ...(largest ? { largestTaskManager: largest } : {}),
      ...(workerResources ? { workerResources } : {}),
    };
  }

  /** What a TaskManager has left of its total resources (undefined: it declared none). */
  freeResources(resourceId: string): ResourceSpec | undefined {
    const tm = this.taskManagers.get(resourceId);
    if (!tm?.totalResources) return undefined;
    let free = tm.totalResources;
    for (const s of this.slots) {
      if (s.resourceId === resourceId && s.allocationId) free = ResourceSpecs.subtract(free, s.resources ?? tm.defaultSlotResources ?? ResourceSpecs.ZERO);
    }
    return free;
  }

  /** Every registered TaskManager with its slots and how many are free, in registration order. */
  taskManagerSlots(): Array<{ resourceId: string; address: string; slotsNumber: number; freeSlots: number; totalResources?: ResourceSpec; freeResources?: ResourceSpec }> {
    return [...this.taskManagers].map(([resourceId, tm]) => {
      const slots = this.slots.filter((s) => s.resourceId === resourceId);
      const free = this.freeResources(resourceId);
      return {
        resourceId, address: tm.address, slotsNumber: slots.length, freeSlots: slots.filter((s) => !s.allocationId).length,
        ...(tm.totalResources && free ? { totalResources: tm.totalResources, freeResources: free } : {}),
      };
    });
  }

  /** Slots the job has been given (allocated, whether or not the JobMaster took them yet); with `resources`, only dynamic slots of them. */
  allocatedTo(jobId: string, resources?: ResourceSpec | 'default'): number {
    return this.slots.filter((s) => s.jobId === jobId && (resources === undefined || (resources === 'default' ? !s.resources : ResourceSpecs.equals(s.resources, resources)))).length;
  }

  close(): void {
    for (const tm of this.taskManagers.values()) tm.idleTimer?.cancel();
    this.requirements.clear();
  }

  private release(slot: TrackedSlot): void {
    slot.pending = undefined;
    slot.allocationId = undefined;
    slot.jobId = undefined;
    slot.jobMaster = undefined;
  }

  /**
   * Gives jobs short of their declaration (in declaration order) dynamic slots of the resources they
   * declared, then default slots for the rest, then asks for workers for what is still missing.
   */
  private checkResourceRequirements(): void {
    let missing = 0;
    for (const [jobId, req] of this.requirements) {
      let specific = 0;
      for (const r of req.resources) {
        specific += r.numberOfRequiredSlots;
        let short = r.numberOfRequiredSlots - this.allocatedTo(jobId, r.resources);
        for (; short > 0; short--) {
          const tm = [...this.taskManagers.keys()].find((id) => this.canCarve(id, r.resources));
          if (tm === undefined) break;
          this.allocate(this.carve(tm, r.resources), jobId, req.jobMaster);
        }
        missing += Math.max(0, short);
      }
      let short = req.numberOfRequiredSlots - specific - this.allocatedTo(jobId, 'default');
      for (; short > 0; short--) {
        const free = this.slots.find((s) => !s.allocationId && !s.resources && this.defaultSlotFits(s.resourceId));
        if (!free) break;
        this.allocate(free, jobId, req.jobMaster);
      }
      missing += Math.max(0, short);
    }
    const uncovered = missing - this.pendingWorkerSlots;
    if (uncovered > 0 && this.opts.allocator.canStartWorkers) {
      const workers = Math.ceil(uncovered / this.opts.allocator.slotsPerWorker);
      this.pendingWorkerSlots += workers * this.opts.allocator.slotsPerWorker;
      this.log.info({ missingSlots: missing, workers }, `Requesting ${workers} new worker(s) for ${uncovered} missing slot(s).`);
      this.opts.allocator.requestWorkers(workers);
    }
  }

  /** Whether a default slot of the TaskManager still fits into what its allocated slots leave of its total. */
  private defaultSlotFits(resourceId: string): boolean {
    const free = this.freeResources(resourceId);
    const tm = this.taskManagers.get(resourceId);
    return free === undefined || !tm?.defaultSlotResources || ResourceSpecs.fits(tm.defaultSlotResources, free);
  }

  private canCarve(resourceId: string, resources: ResourceSpec): boolean {
    const free = this.freeResources(resourceId);
    const dynamic = this.slots.filter((s) => s.resourceId === resourceId && s.resources).length;
    return free !== undefined && ResourceSpecs.fits(resources, free) && dynamic < MAX_DYNAMIC_SLOTS_PER_TASK_MANAGER;
  }

  /** A new dynamic slot on the TaskManager, at the first index after its default slots that is not in use. */
  private carve(resourceId: string, resources: ResourceSpec): TrackedSlot {
    const tm = this.taskManagers.get(resourceId)!;
    const used = new Set(this.slots.filter((s) => s.resourceId === resourceId).map((s) => s.slotIndex));
    let slotIndex = tm.defaultSlots;
    while (used.has(slotIndex)) slotIndex++;
    const slot: TrackedSlot = { resourceId, slotIndex, resources };
    this.slots.push(slot);
    return slot;
  }

  private allocate(slot: TrackedSlot, jobId: string, jobMaster: JobMasterRef): void {
    const allocationId = this.opts.ids.nextId();
    Object.assign(slot, { allocationId, jobId, jobMaster, pending: true });
    const tm = this.taskManagers.get(slot.resourceId)!;
    tm.idleTimer?.cancel();
    tm.idleTimer = undefined;
    tm.gateway.requestSlot(slot.slotIndex, jobId, allocationId, jobMaster, this.opts.resourceManagerId(), slot.resources).then(() => {
      if (slot.allocationId === allocationId) slot.pending = false;
    }, (e: unknown) => {
      if (slot.allocationId !== allocationId) return; // freed meanwhile, or reported lost with its TaskExecutor
      this.log.warn({ err: e, jobId, allocationId, resourceId: slot.resourceId }, `TaskManager ${slot.resourceId} did not take slot request ${allocationId}.`);
      this.release(slot);
      if (slot.resources) this.slots.splice(this.slots.indexOf(slot), 1);
      if (!this.taskManagers.has(slot.resourceId)) return;
      // A TaskExecutor that refuses is not asked again at once (it would refuse again): the job hears of it and re-declares.
      this.opts.onAllocationFailure(jobMaster, allocationId, e instanceof Error ? e : new Error(String(e)));
      this.updateIdle(slot.resourceId);
    });
  }

  /** Starts the idle timer of a TaskManager whose slots are all free (releases it when it expires), or stops it. */
  private updateIdle(resourceId: string): void {
    const tm = this.taskManagers.get(resourceId);
    if (!tm || !this.opts.allocator.canStartWorkers) return;
    const idle = this.slots.every((s) => s.resourceId !== resourceId || !s.allocationId);
    if (!idle) {
      tm.idleTimer?.cancel();
      tm.idleTimer = undefined;
      return;
    }
    if (tm.idleTimer) return;
    const timeoutMs = this.opts.taskManagerTimeoutMs;
    tm.idleTimer = this.opts.scheduler.schedule(timeoutMs, () => {
      tm.idleTimer = undefined;
      if (this.taskManagers.get(resourceId) !== tm) return;
      this.log.info({ resourceId, timeoutMs }, `Releasing TaskManager ${resourceId}: idle for ${timeoutMs} ms (resourcemanager.taskmanager-timeout).`);
      this.opts.allocator.releaseWorker(resourceId, `idle for ${timeoutMs} ms`);
    });
  }
}
