import { FlottError } from '@flott/core';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { ResourceManagerGateway, SlotOffer } from '../rpc/gateways';
import { SystemIdGenerator, type IdGenerator } from '../time/ids';

export interface PhysicalSlot {
  readonly allocationId: string;
  readonly taskManagerId: string;
  readonly taskExecutorAddress: string;
  readonly slotIndex: number;
  /** `host:port` of the TaskExecutor's data server (from its offer). */
  readonly dataAddress?: string;
}

export interface SlotPoolOptions {
  /** Allocation ids; the process's own randomness when not given. */
  readonly ids?: IdGenerator;
  readonly log?: Logger;
}

/**
 * The slots a job holds (Flink's SlotPool + slot sharing): one physical slot per shared slot key
 * (`${slotSharingGroup}#${subtaskIndex}`), so by default one slot runs one whole pipeline. Slots are
 * kept across restarts and returned when the job ends. A request is acknowledged by the
 * ResourceManager and completes when a TaskExecutor offers the slot, or fails when the
 * ResourceManager reports the allocation failed (slot.request.timeout is the ResourceManager's).
 * Used on the JobMaster's event loop only.
 */
export class SlotPool {
  private readonly byKey = new Map<string, PhysicalSlot>();
  private readonly pending = new Map<string, { key: string; resolve: (s: PhysicalSlot) => void; reject: (e: Error) => void }>();
  private readonly requested = new Map<string, Promise<PhysicalSlot>>();

  private readonly ids: IdGenerator;
  private readonly log: Logger;

  constructor(
    private readonly jobId: string,
    private readonly jobMasterAddress: string,
    private readonly rm: ResourceManagerGateway,
    opts: SlotPoolOptions = {},
  ) {
    this.ids = opts.ids ?? new SystemIdGenerator();
    this.log = opts.log ?? SILENT_LOGGER;
  }

  slotFor(key: string): Promise<PhysicalSlot> {
    const have = this.byKey.get(key);
    if (have) return Promise.resolve(have);
    const inFlight = this.requested.get(key);
    if (inFlight) return inFlight;
    const allocationId = this.ids.nextId();
    const p = new Promise<PhysicalSlot>((resolve, reject) => {
      this.pending.set(allocationId, { key, resolve, reject });
      this.rm.requestSlot(this.jobId, allocationId, this.jobMasterAddress).catch((e: Error) => {
        this.pending.delete(allocationId);
        this.requested.delete(key);
        reject(e);
      });
    });
    this.requested.set(key, p);
    return p;
  }

  /** TaskExecutors offer the slots the ResourceManager assigned to this job. */
  offerSlots(taskManagerId: string, taskExecutorAddress: string, offers: readonly SlotOffer[]): SlotOffer[] {
    const accepted: SlotOffer[] = [];
    for (const offer of offers) {
      const waiting = this.pending.get(offer.allocationId);
      if (!waiting) continue;
      this.pending.delete(offer.allocationId);
      this.requested.delete(waiting.key);
      const slot: PhysicalSlot = { allocationId: offer.allocationId, taskManagerId, taskExecutorAddress, slotIndex: offer.slotIndex, ...(offer.dataAddress ? { dataAddress: offer.dataAddress } : {}) };
      this.byKey.set(waiting.key, slot);
      waiting.resolve(slot);
      accepted.push(offer);
    }
    return accepted;
  }

  /**
   * The ResourceManager reports that an allocation failed: a pending request fails with `cause`; a
   * held slot is forgotten (its TaskManager is gone), so a restart asks for a new one. Returns
   * whether the job held the slot (its tasks then fail too).
   */
  failAllocation(allocationId: string, cause: Error): boolean {
    const waiting = this.pending.get(allocationId);
    if (waiting) {
      this.pending.delete(allocationId);
      this.requested.delete(waiting.key);
      waiting.reject(cause);
      return false;
    }
    for (const [k, s] of this.byKey) {
      if (s.allocationId === allocationId) {
        this.byKey.delete(k);
        return true;
      }
    }
    return false;
  }

  allSlots(): PhysicalSlot[] {
    return [...this.byKey.values()];
  }

  /** Cancels outstanding requests and returns every slot. */
  releaseAll(): PhysicalSlot[] {
    for (const [allocationId, p] of this.pending) {
      // A request the ResourceManager still holds is matched later, offered, and rejected by the gone JobMaster.
      this.rm.cancelSlotRequest(allocationId).catch((err: unknown) => {
        this.log.warn({ err, allocationId }, `Could not cancel slot request ${allocationId} of job ${this.jobId}.`);
      });
      p.reject(new FlottError('SLOT_POOL_CLOSED', `Job ${this.jobId} no longer needs slots`));
    }
    this.pending.clear();
    this.requested.clear();
    const slots = this.allSlots();
    this.byKey.clear();
    return slots;
  }
}
