import { FlottError } from '@flott/core';
import type { ResourceManagerGateway } from '../rpc/gateways';
import { LocalRpcService } from '../rpc/rpc-service';
import { settle } from '../testing/settle';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { ManualClock } from '../time/clock';
import { ResourceManager } from './resource-manager';

const ASK_TIMEOUT_MS = 10_000;
const SLOT_REQUEST_TIMEOUT_MS = 60_000;

describe('ResourceManager', () => {
  let clock: ManualClock;
  let rpc: LocalRpcService;
  let rm: ResourceManager;
  let jm: TestingJobMasterGateway;

  beforeEach(() => {
    clock = new ManualClock(1_000);
    rpc = new LocalRpcService(ASK_TIMEOUT_MS, clock);
    rm = new ResourceManager({ rpc, scheduler: clock, slotRequestTimeoutMs: SLOT_REQUEST_TIMEOUT_MS, canStartWorkers: false });
    jm = new TestingJobMasterGateway(rpc, 'job-1');
  });

  afterEach(async () => {
    await rm.close();
    await rpc.close();
  });

  const taskExecutor = async (resourceId: string, numberOfSlots: number): Promise<TestingTaskExecutorGateway> => {
    const te = new TestingTaskExecutorGateway({ rpc, resourceId, numberOfSlots });
    await te.registerAt(rm.address);
    return te;
  };

  describe('slot matching', () => {
    it('tells the TaskExecutor of a free slot to offer it to the requesting JobMaster', async () => {
      const te = await taskExecutor('tm-1', 2);
      expect(await rm.getOverview()).toEqual({ taskManagers: 1, slotsTotal: 2, slotsAvailable: 2, canStartWorkers: false });

      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await rm.requestSlot('job-1', 'alloc-b', jm.address);
      await settle();

      expect(te.slotRequests).toEqual([
        { slotIndex: 0, jobId: 'job-1', allocationId: 'alloc-a', jobMasterAddress: jm.address },
        { slotIndex: 1, jobId: 'job-1', allocationId: 'alloc-b', jobMasterAddress: jm.address },
      ]);
      expect(jm.slotOffers).toEqual([
        { taskExecutorId: 'tm-1', taskExecutorAddress: te.address, offers: [{ allocationId: 'alloc-a', slotIndex: 0 }] },
        { taskExecutorId: 'tm-1', taskExecutorAddress: te.address, offers: [{ allocationId: 'alloc-b', slotIndex: 1 }] },
      ]);
      expect(te.allocations()).toEqual(['alloc-a', 'alloc-b']);
      expect((await rm.getOverview()).slotsAvailable).toBe(0);
      expect(jm.allocationFailures).toEqual([]);
    });

    it('keeps requests that find no free slot waiting, in arrival order, until slots register or free up', async () => {
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await rm.requestSlot('job-1', 'alloc-b', jm.address);
      await settle();
      expect(jm.slotOffers).toEqual([]);

      const te = await taskExecutor('tm-1', 1);
      await settle();
      expect(jm.offeredAllocations()).toEqual(['alloc-a']);

      await te.freeSlot('alloc-a', 'job finished');
      await settle();
      expect(te.slotRequests.map((r) => [r.slotIndex, r.allocationId])).toEqual([[0, 'alloc-a'], [0, 'alloc-b']]);
      expect(jm.offeredAllocations()).toEqual(['alloc-a', 'alloc-b']);
    });

    it('acknowledges a request at once, so a wait longer than rpc.ask-timeout does not fail it', async () => {
      const jobMasterView = rpc.connect<ResourceManagerGateway>(rm.address);
      await expect(jobMasterView.requestSlot('job-1', 'alloc-a', jm.address)).resolves.toBeUndefined();
      clock.advance(ASK_TIMEOUT_MS * 2);
      await settle();
      expect(jm.allocationFailures).toEqual([]);

      await taskExecutor('tm-1', 1);
      await settle();
      expect(jm.offeredAllocations()).toEqual(['alloc-a']);
    });

    it('frees a slot only for the allocation that holds it', async () => {
      await taskExecutor('tm-1', 1);
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await settle();
      await rm.notifySlotAvailable('tm-1', 0, 'some-older-allocation');
      expect((await rm.getOverview()).slotsAvailable).toBe(0);
      await rm.notifySlotAvailable('tm-1', 0, 'alloc-a');
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });
  });

  describe('slot request timeout', () => {
    it('fails a request that found no slot within slot.request.timeout with SlotRequestTimeoutError', async () => {
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      clock.advance(SLOT_REQUEST_TIMEOUT_MS - 1);
      await settle();
      expect(jm.allocationFailures).toEqual([]);

      clock.advance(1);
      await settle();
      expect(jm.allocationFailures).toHaveLength(1);
      const [{ allocationId, cause }] = jm.allocationFailures;
      expect(allocationId).toBe('alloc-a');
      expect(cause).toMatchObject({
        code: 'SLOT_REQUEST_TIMEOUT',
        name: 'SlotRequestTimeoutError',
        message: `Job job-1 could not get 1 slot(s) within ${SLOT_REQUEST_TIMEOUT_MS} ms (slot.request.timeout)`,
        data: { jobId: 'job-1', requested: 1, timeoutMs: SLOT_REQUEST_TIMEOUT_MS },
      });

      // The timed-out request is gone: a TaskExecutor that registers later keeps its slot free.
      const te = await taskExecutor('tm-1', 1);
      await settle();
      expect(te.slotRequests).toEqual([]);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });

    it('stops the timer of a matched request', async () => {
      await taskExecutor('tm-1', 1);
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await settle();
      expect(jm.offeredAllocations()).toEqual(['alloc-a']);
      clock.advance(SLOT_REQUEST_TIMEOUT_MS * 2);
      await settle();
      expect(jm.allocationFailures).toEqual([]);
    });

    it('neither matches nor reports a canceled request', async () => {
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await rm.cancelSlotRequest('alloc-a');
      clock.advance(SLOT_REQUEST_TIMEOUT_MS);
      const te = await taskExecutor('tm-1', 1);
      await settle();
      expect(te.slotRequests).toEqual([]);
      expect(jm.allocationFailures).toEqual([]);
    });
  });

  describe('failures', () => {
    it('reports a request the TaskExecutor refused and frees the slot again', async () => {
      const te = await taskExecutor('tm-1', 1);
      te.withRequestSlot(async () => {
        throw new FlottError('SLOT_OCCUPIED', 'Slot 0 is allocated to someone else');
      });
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code, f.cause.message])).toEqual([
        ['alloc-a', 'SLOT_OCCUPIED', 'Slot 0 is allocated to someone else'],
      ]);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });

    it('fails the allocated slots of a TaskExecutor that disappears, and serves waiting requests from the others', async () => {
      const lost = await taskExecutor('tm-lost', 2);
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await settle();
      expect(lost.allocations()).toEqual(['alloc-a', undefined]);

      lost.disappear();
      await rm.disconnectTaskExecutor('tm-lost', 'heartbeat of TaskManager timed out');
      await settle();
      expect(jm.allocationFailures).toEqual([
        {
          allocationId: 'alloc-a',
          cause: expect.objectContaining({
            code: 'TASK_MANAGER_LOST',
            name: 'TaskManagerLostError',
            message: 'TaskManager tm-lost disconnected (heartbeat of TaskManager timed out); slot alloc-a is lost',
            data: { resourceId: 'tm-lost', cause: 'heartbeat of TaskManager timed out', allocationId: 'alloc-a', jobId: 'job-1' },
          }),
        },
      ]);
      expect(await rm.getOverview()).toEqual({ taskManagers: 0, slotsTotal: 0, slotsAvailable: 0, canStartWorkers: false });

      // The replacement request waits for a TaskExecutor that is still there.
      await rm.requestSlot('job-1', 'alloc-b', jm.address);
      await settle();
      expect(lost.slotRequests.map((r) => r.allocationId)).toEqual(['alloc-a']);
      const other = await taskExecutor('tm-2', 1);
      await settle();
      expect(other.slotRequests.map((r) => r.allocationId)).toEqual(['alloc-b']);
      expect(jm.allocationFailures).toHaveLength(1);
    });

    it('keeps the allocations a re-registering TaskExecutor still reports and fails the others', async () => {
      const te = await taskExecutor('tm-1', 2);
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await rm.requestSlot('job-1', 'alloc-b', jm.address);
      await settle();

      await te.freeSlot('alloc-b', 'job released it');
      // It comes back (e.g. after a lost connection) and reports what it still holds.
      await rm.registerTaskExecutor({ resourceId: 'tm-1', address: te.address, slots: [{ slotIndex: 0, allocationId: 'alloc-a', jobId: 'job-1' }, { slotIndex: 1 }] });
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code])).toEqual([]);
      expect(await rm.getOverview()).toEqual({ taskManagers: 1, slotsTotal: 2, slotsAvailable: 1, canStartWorkers: false });

      // A kept allocation is still the JobMaster's: losing the TaskExecutor now reports it.
      await rm.disconnectTaskExecutor('tm-1', 'gone');
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code])).toEqual([['alloc-a', 'TASK_MANAGER_LOST']]);
    });

    it('reports a re-registration that lost an allocation', async () => {
      const te = await taskExecutor('tm-1', 1);
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await settle();
      await rm.registerTaskExecutor({ resourceId: 'tm-1', address: te.address, slots: [{ slotIndex: 0 }] });
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code, f.cause.data])).toEqual([
        ['alloc-a', 'TASK_MANAGER_LOST', { resourceId: 'tm-1', cause: 're-registration', allocationId: 'alloc-a', jobId: 'job-1' }],
      ]);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });

    it('reports the requests still waiting when it shuts down', async () => {
      await rm.requestSlot('job-1', 'alloc-a', jm.address);
      await rm.close();
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code])).toEqual([['alloc-a', 'RESOURCE_MANAGER_CLOSED']]);
      clock.advance(SLOT_REQUEST_TIMEOUT_MS);
      await settle();
      expect(jm.allocationFailures).toHaveLength(1);
    });
  });
});
