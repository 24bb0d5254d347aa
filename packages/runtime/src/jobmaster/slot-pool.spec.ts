import { FlottError } from '@flott/core';
import { SlotRequestTimeoutError } from '../errors';
import { settle } from '../testing/settle';
import { TestingResourceManagerGateway } from '../testing/testing-resource-manager-gateway';
import { RandomIdGenerator } from '../time/ids';
import { SeededRandom } from '../time/random';
import { SlotPool, type PhysicalSlot } from './slot-pool';

const JM_ADDRESS = 'local://test/jobmaster-job-1';

describe('SlotPool', () => {
  let rm: TestingResourceManagerGateway;
  let pool: SlotPool;

  beforeEach(() => {
    rm = new TestingResourceManagerGateway();
    pool = new SlotPool('job-1', JM_ADDRESS, rm);
  });

  /** Records how a slotFor() promise ends, without awaiting it. */
  const track = (p: Promise<PhysicalSlot>): { slot?: PhysicalSlot; error?: unknown } => {
    const outcome: { slot?: PhysicalSlot; error?: unknown } = {};
    p.then((slot) => (outcome.slot = slot), (error: unknown) => (outcome.error = error));
    return outcome;
  };

  describe('allocation', () => {
    it('requests one slot per sharing key and shares the request among callers of the same key', async () => {
      const first = pool.slotFor('default#0');
      const again = pool.slotFor('default#0');
      pool.slotFor('default#1').catch(() => undefined);
      expect(again).toBe(first);
      expect(rm.slotRequests).toEqual([
        { jobId: 'job-1', allocationId: rm.requestedAllocations()[0], jobMasterAddress: JM_ADDRESS },
        { jobId: 'job-1', allocationId: rm.requestedAllocations()[1], jobMasterAddress: JM_ADDRESS },
      ]);
      const [a, b] = rm.requestedAllocations();
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(b).not.toBe(a);
    });

    it('takes allocation ids from the injected generator: the same seed requests the same ids', () => {
      const idsOf = (seed: number): string[] => {
        const gateway = new TestingResourceManagerGateway();
        const seeded = new SlotPool('job-1', JM_ADDRESS, gateway, { ids: new RandomIdGenerator(new SeededRandom(seed)) });
        for (const key of ['default#0', 'default#1']) seeded.slotFor(key).catch(() => undefined);
        return gateway.requestedAllocations();
      };
      expect(idsOf(5)).toEqual(idsOf(5));
      expect(idsOf(5)).not.toEqual(idsOf(6));
      expect(idsOf(5)[0]).toMatch(/^[0-9a-f]{32}$/);
    });

    it('completes a request with the offered slot, which it then keeps for its key', async () => {
      const outcome = track(pool.slotFor('default#0'));
      const [allocationId] = rm.requestedAllocations();

      const accepted = pool.offerSlots('tm-1', 'local://test/taskmanager-tm-1', [{ allocationId, slotIndex: 3 }]);
      expect(accepted).toEqual([{ allocationId, slotIndex: 3 }]);
      await settle();
      const slot: PhysicalSlot = { allocationId, taskManagerId: 'tm-1', taskExecutorAddress: 'local://test/taskmanager-tm-1', slotIndex: 3 };
      expect(outcome).toEqual({ slot });
      expect(pool.allSlots()).toEqual([slot]);

      await expect(pool.slotFor('default#0')).resolves.toEqual(slot);
      expect(rm.slotRequests).toHaveLength(1);
    });

    it('refuses offers of allocations it did not ask for or already has', async () => {
      track(pool.slotFor('default#0'));
      const [allocationId] = rm.requestedAllocations();
      expect(pool.offerSlots('tm-1', 'te', [{ allocationId: 'stranger', slotIndex: 0 }, { allocationId, slotIndex: 1 }])).toEqual([
        { allocationId, slotIndex: 1 },
      ]);
      expect(pool.offerSlots('tm-1', 'te', [{ allocationId, slotIndex: 1 }])).toEqual([]);
      expect(pool.allSlots().map((s) => s.allocationId)).toEqual([allocationId]);
    });
  });

  describe('failures', () => {
    it('fails a pending request with the cause the ResourceManager reports (slot request timeout) and asks anew next time', async () => {
      const outcome = track(pool.slotFor('default#0'));
      const [allocationId] = rm.requestedAllocations();
      const timeout = new SlotRequestTimeoutError('job-1', 1, 300_000);

      expect(pool.failAllocation(allocationId, timeout)).toBe(false);
      await settle();
      expect(outcome).toEqual({ error: timeout });
      // The late offer of the failed allocation is refused.
      expect(pool.offerSlots('tm-1', 'te', [{ allocationId, slotIndex: 0 }])).toEqual([]);

      track(pool.slotFor('default#0'));
      expect(rm.requestedAllocations()).toHaveLength(2);
      expect(rm.requestedAllocations()[1]).not.toBe(allocationId);
    });

    it('forgets a held slot whose TaskManager is lost, so the key gets a new slot', async () => {
      track(pool.slotFor('default#0'));
      track(pool.slotFor('default#1'));
      const [a, b] = rm.requestedAllocations();
      pool.offerSlots('tm-1', 'te-1', [{ allocationId: a, slotIndex: 0 }, { allocationId: b, slotIndex: 1 }]);

      expect(pool.failAllocation(a, new FlottError('TASK_MANAGER_LOST', 'gone'))).toBe(true);
      expect(pool.failAllocation(a, new FlottError('TASK_MANAGER_LOST', 'gone'))).toBe(false);
      expect(pool.allSlots().map((s) => s.allocationId)).toEqual([b]);
      track(pool.slotFor('default#0'));
      expect(rm.requestedAllocations()).toHaveLength(3);
    });

    it('fails the request when the ResourceManager cannot be reached, and asks again next time', async () => {
      const unreachable = new FlottError('RPC_ENDPOINT_NOT_FOUND', 'No RPC endpoint at rm');
      rm.withRequestSlot(async () => {
        throw unreachable;
      });
      await expect(pool.slotFor('default#0')).rejects.toBe(unreachable);
      rm.withRequestSlot(async () => undefined);
      track(pool.slotFor('default#0'));
      expect(rm.slotRequests).toHaveLength(2);
    });
  });

  describe('release', () => {
    it('withdraws pending requests, fails their callers and returns every held slot', async () => {
      track(pool.slotFor('default#0'));
      const waiting = track(pool.slotFor('default#1'));
      const [held, pending] = rm.requestedAllocations();
      pool.offerSlots('tm-1', 'te-1', [{ allocationId: held, slotIndex: 0 }]);

      expect(pool.releaseAll()).toEqual([{ allocationId: held, taskManagerId: 'tm-1', taskExecutorAddress: 'te-1', slotIndex: 0 }]);
      await settle();
      expect(rm.canceledRequests).toEqual([pending]);
      expect(waiting.error).toBeInstanceOf(FlottError);
      expect(waiting.error).toMatchObject({ code: 'SLOT_POOL_CLOSED', message: 'Job job-1 no longer needs slots' });
      expect(pool.allSlots()).toEqual([]);
      expect(pool.offerSlots('tm-1', 'te-1', [{ allocationId: pending, slotIndex: 1 }])).toEqual([]);
    });
  });
});
