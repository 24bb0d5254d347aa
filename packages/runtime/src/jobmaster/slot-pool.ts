import { FlottError } from '@flott/core';
import { SlotRequestTimeoutError } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { JobMasterRef, ResourceManagerGateway, ResourceRequirements, SlotOffer } from '../rpc/gateways';
import { ResourceSpecs, type ResourceSpec } from '../deployment/resource-spec';
import type { Cancellable, Scheduler } from '../time/clock';

export interface PhysicalSlot {
  readonly allocationId: string;
  readonly taskManagerId: string;
  readonly taskExecutorAddress: string;
  readonly slotIndex: number;
  /** `host:port` of the TaskExecutor's data server (from its offer). */
  readonly dataAddress?: string;
  /** `host:port` of the slot thread's own data server for its PIPELINED partitions (from the offer), if it has one. */
  readonly slotDataAddress?: string;
  /** A dynamic slot's resources (absent: a default slot). */
  readonly resources?: ResourceSpec;
}

export interface SlotPoolOptions {
  readonly scheduler: Scheduler;
  /** slot.request.timeout: how long a sharing key waits for a slot before its request fails. */
  readonly slotRequestTimeoutMs: number;
  readonly log?: Logger;
  /** The resources a sharing key's slot needs (its slot sharing group's; undefined: a default slot). */
  readonly resourcesOf?: (key: string) => ResourceSpec | undefined;
}

interface Waiter {
  readonly resolve: (s: PhysicalSlot) => void;
  readonly reject: (e: Error) => void;
  readonly timer: Cancellable;
  readonly promise: Promise<PhysicalSlot>;
}

/**
 * The slots a job holds (Flink's DeclarativeSlotPool + slot sharing): one physical slot per shared
 * slot key (`${slotSharingGroup}#${subtaskIndex}`), so by default one slot runs one whole pipeline.
 * The pool declares to the ResourceManager how many slots it needs (the keys that hold or wait for
 * one), coalesced to one declaration per turn; the ResourceManager allocates slots, whose
 * TaskExecutors offer them here; an offer goes to the longest-waiting key, and an offer nobody waits
 * for is refused (the TaskExecutor frees it). A key whose tasks all ended (a finished stage of a batch
 * job, or tasks about to restart) gives its slot back with `releaseKey`: the longest-waiting key gets it,
 * or it stays free in the pool for the next key that asks (the key it last served first). Slots are
 * held until the job ends. Used on the JobMaster's event loop only.
 */
export class SlotPool {
  private readonly byKey = new Map<string, PhysicalSlot>();
  /** Slots the job holds that no key uses now, with the key each served last. */
  private readonly free: Array<{ slot: PhysicalSlot; lastKey: string }> = [];
  /** Keys waiting for a slot, in request order (Map keeps insertion order). */
  private readonly waiting = new Map<string, Waiter>();
  /** What was declared last (JSON of the requirements); undefined: nothing, or it failed. */
  private declared: string | undefined;
  private maxHeld = 0;
  private declarationScheduled = false;
  private closed = false;
  private readonly log: Logger;

  constructor(
    private readonly jobId: string,
    private readonly jobMaster: JobMasterRef,
    private readonly rm: ResourceManagerGateway,
    private readonly opts: SlotPoolOptions,
  ) {
    this.log = opts.log ?? SILENT_LOGGER;
    this.declared = this.noneDeclared();
  }

  private noneDeclared(): string {
    return JSON.stringify({ jobId: this.jobId, numberOfRequiredSlots: 0 });
  }

  /**
   * The slots of several keys at once: keys that held a slot before (now free) get it back first, so
   * a restart puts tasks back where they ran, and only then do the others take free slots or wait.
   */
  slotsFor(keys: readonly string[]): Array<Promise<PhysicalSlot>> {
    const slots = new Map<string, Promise<PhysicalSlot>>();
    for (const key of keys) if (this.byKey.has(key) || this.free.some((f) => f.lastKey === key)) slots.set(key, this.slotFor(key));
    for (const key of keys) if (!slots.has(key)) slots.set(key, this.slotFor(key));
    return keys.map((k) => slots.get(k)!);
  }

  slotFor(key: string): Promise<PhysicalSlot> {
    const have = this.byKey.get(key);
    if (have) return Promise.resolve(have);
    const same = this.free.findIndex((f) => f.lastKey === key);
    const fitting = same >= 0 ? same : this.free.findIndex((f) => this.serves(f.slot, key));
    if (fitting >= 0) {
      const [{ slot }] = this.free.splice(fitting, 1);
      this.byKey.set(key, slot);
      return Promise.resolve(slot);
    }
    const waiting = this.waiting.get(key);
    if (waiting) return waiting.promise;
    if (this.closed) return Promise.reject(new SlotPoolClosedError(this.jobId));
    let resolve!: (s: PhysicalSlot) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<PhysicalSlot>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timeoutMs = this.opts.slotRequestTimeoutMs;
    const timer = this.opts.scheduler.schedule(timeoutMs, () => {
      const count = this.waiting.size;
      this.log.warn({ jobId: this.jobId, waiting: count, timeoutMs }, `Job ${this.jobId} got no slot for ${key} within ${timeoutMs} ms.`);
      this.failWaiter(key, new SlotRequestTimeoutError(this.jobId, count, timeoutMs));
    });
    this.waiting.set(key, { resolve, reject, timer, promise });
    this.declare();
    return promise;
  }

  /** TaskExecutors offer the slots the ResourceManager allocated to this job. */
  offerSlots(taskManagerId: string, taskExecutorAddress: string, offers: readonly SlotOffer[]): SlotOffer[] {
    const accepted: SlotOffer[] = [];
    for (const offer of offers) {
      const held = this.allSlots().find((s) => s.allocationId === offer.allocationId);
      if (held) {
        accepted.push(offer); // offered again (a retried call): still ours
        continue;
      }
      const slot: PhysicalSlot = {
        allocationId: offer.allocationId, taskManagerId, taskExecutorAddress, slotIndex: offer.slotIndex,
        ...(offer.dataAddress ? { dataAddress: offer.dataAddress } : {}), ...(offer.slotDataAddress ? { slotDataAddress: offer.slotDataAddress } : {}), ...(offer.resources ? { resources: offer.resources } : {}),
      };
      const next = [...this.waiting].find(([k]) => this.serves(slot, k));
      if (!next) continue;
      const [key, waiter] = next;
      this.waiting.delete(key);
      waiter.timer.cancel();
      this.byKey.set(key, slot);
      this.maxHeld = Math.max(this.maxHeld, this.byKey.size + this.free.length);
      waiter.resolve(slot);
      accepted.push(offer);
    }
    return accepted;
  }

  /** `key` needs its slot no more for now: the longest-waiting key gets it, or it stays free in the pool. */
  releaseKey(key: string): void {
    const slot = this.byKey.get(key);
    if (!slot) return;
    this.byKey.delete(key);
    const next = [...this.waiting].find(([k]) => this.serves(slot, k));
    if (!next) {
      this.free.push({ slot, lastKey: key });
      return;
    }
    const [waitingKey, waiter] = next;
    this.waiting.delete(waitingKey);
    waiter.timer.cancel();
    this.byKey.set(waitingKey, slot);
    waiter.resolve(slot);
  }

  /** The most slots the job held at once (a batch job on lazy or region scheduling reuses few). */
  get maxSlotsHeld(): number {
    return this.maxHeld;
  }

  /**
   * The ResourceManager reports that an allocation failed. A held slot is forgotten (its TaskManager is
   * gone), so a restart asks for a new one: returns true (its tasks then fail too). An allocation the
   * job never got (the TaskExecutor refused it) fails the longest-waiting key with `cause`.
   */
  failAllocation(allocationId: string, cause: Error): boolean {
    for (const [k, s] of this.byKey) {
      if (s.allocationId === allocationId) {
        this.byKey.delete(k);
        this.declare();
        return true;
      }
    }
    const free = this.free.findIndex((f) => f.slot.allocationId === allocationId);
    if (free >= 0) {
      this.free.splice(free, 1);
      this.declare();
      return true;
    }
    const next = this.waiting.keys().next();
    if (!next.done) this.failWaiter(next.value, cause);
    return false;
  }

  /** The ResourceManager is gone: every key still waiting fails with `cause`. */
  failAllWaiting(cause: Error): void {
    for (const key of [...this.waiting.keys()]) this.failWaiter(key, cause);
  }

  allSlots(): PhysicalSlot[] {
    return [...this.byKey.values(), ...this.free.map((f) => f.slot)];
  }

  /**
   * Fails what still waits and gives up every slot: `slots` are the ones to free, `declared` settles
   * once the ResourceManager heard that the job needs none (free them after it, so the ResourceManager
   * never sees them free while the job still declares them, and allocates them to it again).
   */
  releaseAll(): { slots: PhysicalSlot[]; declared: Promise<void> } {
    this.closed = true; // before failing the waiters: a closed pool declares nothing on its own
    this.failAllWaiting(new SlotPoolClosedError(this.jobId));
    const slots = this.allSlots();
    this.byKey.clear();
    this.free.length = 0;
    this.declared = this.noneDeclared();
    const declared = this.rm.declareRequiredResources(this.jobMaster, { jobId: this.jobId, numberOfRequiredSlots: 0 }).catch((err: unknown) => {
      this.log.warn({ err, jobId: this.jobId }, `Could not tell the ResourceManager that job ${this.jobId} needs no slots any more.`);
    });
    return { slots, declared };
  }

  private failWaiter(key: string, cause: Error): void {
    const waiter = this.waiting.get(key);
    if (!waiter) return;
    this.waiting.delete(key);
    waiter.timer.cancel();
    waiter.reject(cause);
    this.declare();
  }

  /** Whether `slot` is of the kind `key` needs: a default slot for a default key, a dynamic slot of the same resources otherwise. */
  private serves(slot: PhysicalSlot, key: string): boolean {
    return ResourceSpecs.equals(slot.resources, this.opts.resourcesOf?.(key));
  }

  /** The slots needed (held + waiting), in all and by the resources they need. */
  private requirements(): ResourceRequirements {
    const specific: Array<{ resources: ResourceSpec; numberOfRequiredSlots: number }> = [];
    const count = (resources: ResourceSpec | undefined): void => {
      if (resources === undefined) return;
      const entry = specific.find((e) => ResourceSpecs.equals(e.resources, resources));
      if (entry) entry.numberOfRequiredSlots++;
      else specific.push({ resources, numberOfRequiredSlots: 1 });
    };
    for (const slot of this.byKey.values()) count(slot.resources);
    for (const { slot } of this.free) count(slot.resources);
    for (const key of this.waiting.keys()) count(this.opts.resourcesOf?.(key));
    const numberOfRequiredSlots = this.byKey.size + this.free.length + this.waiting.size;
    return { jobId: this.jobId, numberOfRequiredSlots, ...(specific.length > 0 ? { resources: specific } : {}) };
  }

  /** Sends the slots needed (held + waiting) once per turn, if that changed. */
  private declare(): void {
    if (this.declarationScheduled || this.closed) return;
    this.declarationScheduled = true;
    queueMicrotask(() => {
      this.declarationScheduled = false;
      const requirements = this.requirements();
      const fingerprint = JSON.stringify(requirements);
      if (fingerprint === this.declared) return;
      this.declared = fingerprint;
      const required = requirements.numberOfRequiredSlots;
      const waitingAtSend = [...this.waiting.values()];
      this.rm.declareRequiredResources(this.jobMaster, requirements).catch((e: unknown) => {
        const cause = e instanceof Error ? e : new Error(String(e));
        this.log.warn({ err: cause, jobId: this.jobId, required }, `Could not declare ${required} required slot(s) of job ${this.jobId} to the ResourceManager.`);
        // Not declared: the next change declares again, and what waited for this declaration would wait in vain.
        this.declared = undefined;
        for (const [key, waiter] of [...this.waiting]) if (waitingAtSend.includes(waiter)) this.failWaiter(key, cause);
      });
    });
  }
}

export class SlotPoolClosedError extends FlottError {
  constructor(jobId: string) {
    super('SLOT_POOL_CLOSED', `Job ${jobId} no longer needs slots`, { jobId });
  }
}
