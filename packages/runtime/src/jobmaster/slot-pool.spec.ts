import { FlottError } from '@flott/core';
import { settle } from '../testing/settle';
import { TestingResourceManagerGateway } from '../testing/testing-resource-manager-gateway';
import { ManualClock } from '../time/clock';
import { SlotPool, type PhysicalSlot, type SlotPoolOptions } from './slot-pool';

const JM_ADDRESS = 'local://test/jobmaster-job-1';
const JM_ID = 'jm-id-1';
const SLOT_REQUEST_TIMEOUT_MS = 60_000;

describe('SlotPool', () => {
  let rm: TestingResourceManagerGateway;
  let clock: ManualClock;
  let pool: SlotPool;

  beforeEach(() => {
    rm = new TestingResourceManagerGateway();
    clock = new ManualClock(1_000);
    pool = createPool();
  });

  const createPool = (options: Partial<SlotPoolOptions> = {}): SlotPool =>
    new SlotPool('job-1', { address: JM_ADDRESS, jobMasterId: JM_ID }, rm, { scheduler: clock, slotRequestTimeoutMs: SLOT_REQUEST_TIMEOUT_MS, ...options });

  /** Records how a slotFor() promise ends, without awaiting it. */
  const track = (p: Promise<PhysicalSlot>): { slot?: PhysicalSlot; error?: unknown } => {
    const outcome: { slot?: PhysicalSlot; error?: unknown } = {};
    p.then((slot) => (outcome.slot = slot), (error: unknown) => (outcome.error = error));
    return outcome;
  };
  const slot = (allocationId: string, slotIndex: number, tm = 'tm-1'): PhysicalSlot => ({
    allocationId, taskManagerId: tm, taskExecutorAddress: `te-${tm}`, slotIndex,
  });

  describe('declaration', () => {
    it('declares the number of sharing keys it needs, once per turn, and shares a key among its callers', async () => {
      const first = pool.slotFor('default#0');
      const again = pool.slotFor('default#0');
      track(pool.slotFor('default#1'));
      expect(again).toBe(first);
      expect(rm.declarations).toEqual([]);
      await settle();
      expect(rm.declarations).toEqual([{ jobMasterAddress: JM_ADDRESS, jobMaster: { address: JM_ADDRESS, jobMasterId: JM_ID }, requirements: { jobId: 'job-1', numberOfRequiredSlots: 2 } }]);
    });

    it('does not declare again while the number it needs stays the same', async () => {
      track(pool.slotFor('default#0'));
      await settle();
      pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }]);
      track(pool.slotFor('default#0'));
      await settle();
      expect(rm.declaredSlots()).toEqual([1]);
    });
  });

  describe('reuse of released slots', () => {
    it('hands a released key\'s slot to the longest-waiting key, without asking the ResourceManager for more', async () => {
      const k0 = track(pool.slotFor('default#0'));
      const k1 = track(pool.slotFor('default#1'));
      pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }]);
      await settle();
      expect([k0.slot?.allocationId, k1.slot]).toEqual(['a', undefined]);
      pool.releaseKey('default#0');
      await settle();
      expect(k1).toEqual({ slot: slot('a', 0) });
      expect(rm.declaredSlots()).toEqual([2]);
      expect(pool.maxSlotsHeld).toBe(1);
    });

    it('keeps a released slot free in the pool and gives it back to the key it served first', async () => {
      track(pool.slotFor('default#0'));
      track(pool.slotFor('default#1'));
      pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }, { allocationId: 'b', slotIndex: 1 }]);
      await settle();
      // default#0's slot is lost with its TaskManager; default#1's tasks ended: its slot is free.
      expect(pool.failAllocation('a', new FlottError('TASK_MANAGER_LOST', 'gone'))).toBe(true);
      pool.releaseKey('default#1');
      expect(pool.allSlots().map((s) => s.allocationId)).toEqual(['b']);
      // default#0 asks first, but default#1 gets its own slot back: slotsFor serves returning keys first.
      const [k0, k1] = pool.slotsFor(['default#0', 'default#1']).map(track);
      await settle();
      expect([k0.slot, k1.slot?.allocationId]).toEqual([undefined, 'b']);
      expect(rm.declaredSlots()).toEqual([2]);
    });

    it('forgets a free slot whose allocation failed', async () => {
      track(pool.slotFor('default#0'));
      pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }]);
      await settle();
      pool.releaseKey('default#0');
      expect(pool.failAllocation('a', new FlottError('TASK_MANAGER_LOST', 'gone'))).toBe(true);
      expect(pool.allSlots()).toEqual([]);
    });
  });

  describe('slots with resources (fine-grained slot sharing groups)', () => {
    const heavy = { cpuCores: 2, taskHeapMemoryMB: 512 };
    beforeEach(() => {
      pool = createPool({ resourcesOf: (key) => (key.startsWith('heavy#') ? heavy : undefined) });
    });

    it('declares how many of its slots need which resources', async () => {
      track(pool.slotFor('default#0'));
      track(pool.slotFor('heavy#0'));
      track(pool.slotFor('heavy#1'));
      await settle();
      expect(rm.declarations.map((d) => d.requirements)).toEqual([
        { jobId: 'job-1', numberOfRequiredSlots: 3, resources: [{ resources: heavy, numberOfRequiredSlots: 2 }] },
      ]);
    });

    it('gives an offered slot only to a key that needs its kind, and a released slot only to one too', async () => {
      const light = track(pool.slotFor('default#0'));
      const big = track(pool.slotFor('heavy#0'));
      expect(pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'h', slotIndex: 4, resources: heavy }])).toHaveLength(1);
      await settle();
      expect([light.slot, big.slot?.allocationId]).toEqual([undefined, 'h']);
      pool.releaseKey('heavy#0');
      const again = track(pool.slotFor('default#1'));
      await settle();
      expect(again).toEqual({});
      const [heavyAgain] = pool.slotsFor(['heavy#1']).map(track);
      await settle();
      expect(heavyAgain.slot?.allocationId).toBe('h');
    });
  });

  describe('offers', () => {
    it('gives an offered slot to the longest-waiting key, which then keeps it', async () => {
      const k0 = track(pool.slotFor('default#0'));
      const k1 = track(pool.slotFor('default#1'));
      expect(pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 3 }])).toEqual([{ allocationId: 'a', slotIndex: 3 }]);
      await settle();
      expect(k0).toEqual({ slot: slot('a', 3) });
      expect(k1).toEqual({});
      await expect(pool.slotFor('default#0')).resolves.toEqual(slot('a', 3));
      expect(pool.allSlots()).toEqual([slot('a', 3)]);
    });

    it('refuses offers nobody waits for, and accepts an offer it already holds again (a retried call)', async () => {
      track(pool.slotFor('default#0'));
      expect(pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }, { allocationId: 'b', slotIndex: 1 }])).toEqual([
        { allocationId: 'a', slotIndex: 0 },
      ]);
      expect(pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }])).toEqual([{ allocationId: 'a', slotIndex: 0 }]);
      expect(pool.allSlots().map((s) => s.allocationId)).toEqual(['a']);
    });
  });

  describe('failures', () => {
    it('fails a key that got no slot within slot.request.timeout, declares one slot less, and asks anew next time', async () => {
      const outcome = track(pool.slotFor('default#0'));
      await settle();
      clock.advance(SLOT_REQUEST_TIMEOUT_MS - 1);
      await settle();
      expect(outcome).toEqual({});
      clock.advance(1);
      await settle();
      expect(outcome.error).toMatchObject({
        code: 'SLOT_REQUEST_TIMEOUT',
        message: `Job job-1 could not get 1 slot(s) within ${SLOT_REQUEST_TIMEOUT_MS} ms (slot.request.timeout)`,
      });
      expect(rm.declaredSlots()).toEqual([1, 0]);
      // A late offer is refused: nobody waits any more.
      expect(pool.offerSlots('tm-1', 'te', [{ allocationId: 'late', slotIndex: 0 }])).toEqual([]);
      track(pool.slotFor('default#0'));
      await settle();
      expect(rm.declaredSlots()).toEqual([1, 0, 1]);
    });

    it('stops the timer of a key that got its slot', async () => {
      const outcome = track(pool.slotFor('default#0'));
      pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }]);
      clock.advance(SLOT_REQUEST_TIMEOUT_MS * 2);
      await settle();
      expect(outcome).toEqual({ slot: slot('a', 0) });
    });

    it('fails the longest-waiting key with the cause of an allocation the TaskExecutor refused', async () => {
      const k0 = track(pool.slotFor('default#0'));
      const k1 = track(pool.slotFor('default#1'));
      const refused = new FlottError('SLOT_OCCUPIED', 'Slot 0 is allocated to someone else');
      expect(pool.failAllocation('never-offered', refused)).toBe(false);
      await settle();
      expect(k0).toEqual({ error: refused });
      expect(k1).toEqual({});
    });

    it('forgets a held slot whose TaskManager is lost, so the key gets a new slot', async () => {
      track(pool.slotFor('default#0'));
      track(pool.slotFor('default#1'));
      pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'a', slotIndex: 0 }, { allocationId: 'b', slotIndex: 1 }]);
      await settle();

      expect(pool.failAllocation('a', new FlottError('TASK_MANAGER_LOST', 'gone'))).toBe(true);
      expect(pool.allSlots().map((s) => s.allocationId)).toEqual(['b']);
      await settle();
      expect(rm.declaredSlots()).toEqual([2, 1]);
      const again = track(pool.slotFor('default#0'));
      await settle();
      expect(rm.declaredSlots()).toEqual([2, 1, 2]);
      pool.offerSlots('tm-2', 'te-tm-2', [{ allocationId: 'c', slotIndex: 0 }]);
      await settle();
      expect(again).toEqual({ slot: slot('c', 0, 'tm-2') });
    });

    it('fails what waits when the ResourceManager cannot be reached, and declares again next time', async () => {
      const unreachable = new FlottError('RPC_ENDPOINT_NOT_FOUND', 'No RPC endpoint at rm');
      rm.withDeclareRequiredResources(async () => {
        throw unreachable;
      });
      await expect(pool.slotFor('default#0')).rejects.toBe(unreachable);
      rm.withDeclareRequiredResources(async () => undefined);
      track(pool.slotFor('default#0'));
      await settle();
      expect(rm.declaredSlots()).toEqual([1, 0, 1]);
    });

    it('fails every waiting key when the ResourceManager disconnects', async () => {
      const k0 = track(pool.slotFor('default#0'));
      const k1 = track(pool.slotFor('default#1'));
      const gone = new FlottError('RESOURCE_MANAGER_CLOSED', 'The ResourceManager shut down');
      pool.failAllWaiting(gone);
      await settle();
      expect([k0, k1]).toEqual([{ error: gone }, { error: gone }]);
    });
  });

  describe('release', () => {
    it('declares zero, fails the waiting callers and returns every held slot', async () => {
      track(pool.slotFor('default#0'));
      const waiting = track(pool.slotFor('default#1'));
      pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'held', slotIndex: 0 }]);
      await settle();

      const { slots, declared } = pool.releaseAll();
      expect(slots).toEqual([slot('held', 0)]);
      // Declared at once, not on the next turn: the slots are freed only after the ResourceManager heard it.
      expect(rm.declaredSlots()).toEqual([2, 0]);
      await declared;
      await settle();
      expect(rm.declaredSlots()).toEqual([2, 0]);
      expect(waiting.error).toBeInstanceOf(FlottError);
      expect(waiting.error).toMatchObject({ code: 'SLOT_POOL_CLOSED', message: 'Job job-1 no longer needs slots' });
      expect(pool.allSlots()).toEqual([]);
      expect(pool.offerSlots('tm-1', 'te-tm-1', [{ allocationId: 'late', slotIndex: 1 }])).toEqual([]);
      await expect(pool.slotFor('default#0')).rejects.toMatchObject({ code: 'SLOT_POOL_CLOSED' });
    });
  });
});
