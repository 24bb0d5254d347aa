import { DEFAULT_LEADER_ID } from '../spi/high-availability-services';
import { FlottError } from '@flott/core';
import type { ResourceManagerGateway, SlotReportEntry } from '../rpc/gateways';
import { LocalRpcNetwork, LocalRpcService } from '../rpc/rpc-service';
import { advanceSettling, settle } from '../testing/settle';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingResourceManagerDriver } from '../testing/testing-resource-manager-driver';
import { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { ManualClock } from '../time/clock';
import { RandomIdGenerator } from '../time/ids';
import { SeededRandom } from '../time/random';
import { ResourceManager, type ResourceManagerOptions } from './resource-manager';

const ASK_TIMEOUT_MS = 10_000;
const TASK_MANAGER_TIMEOUT_MS = 30_000;
const RETRY_INTERVAL_MS = 3_000;

describe('ResourceManager', () => {
  let clock: ManualClock;
  let rpc: LocalRpcService;
  let rm: ResourceManager;
  let jm: TestingJobMasterGateway;

  const createRm = async (extra: Partial<ResourceManagerOptions> = {}): Promise<ResourceManager> => {
    const created = new ResourceManager({
      rpc, scheduler: clock, clock, ids: new RandomIdGenerator(new SeededRandom(7)),
      taskManagerTimeoutMs: TASK_MANAGER_TIMEOUT_MS, startWorkerRetryIntervalMs: RETRY_INTERVAL_MS, ...extra,
    });
    created.grantLeadership(DEFAULT_LEADER_ID);
    await created.start();
    return created;
  };

  beforeEach(async () => {
    clock = new ManualClock(1_000);
    rpc = new LocalRpcService(ASK_TIMEOUT_MS, clock);
    rm = await createRm();
    jm = new TestingJobMasterGateway(rpc, 'job-1');
  });

  afterEach(async () => {
    await rm.close();
    await rpc.close();
  });

  /** Moves the clock in steps, letting the RPCs each step starts (heartbeats) complete before the next. */
  const advance = (ms: number): Promise<void> => advanceSettling(clock, ms);

  const taskExecutor = async (resourceId: string, numberOfSlots: number): Promise<TestingTaskExecutorGateway> => {
    const te = new TestingTaskExecutorGateway({ rpc, resourceId, numberOfSlots });
    await te.registerAt(rm.address);
    return te;
  };
  const declare = (jobId: string, numberOfRequiredSlots: number, jobMaster = jm): Promise<void> =>
    rm.declareRequiredResources(jobMaster.ref, { jobId, numberOfRequiredSlots });

  describe('slot matching', () => {
    it('allocates free slots to a job up to what it declared; their TaskExecutor offers them to its JobMaster', async () => {
      const te = await taskExecutor('tm-1', 3);
      expect(await rm.getOverview()).toEqual({ taskManagers: 1, slotsTotal: 3, slotsAvailable: 3, canStartWorkers: false });

      await declare('job-1', 2);
      await settle();

      expect(te.slotRequests.map((r) => [r.slotIndex, r.jobId, r.jobMasterAddress])).toEqual([[0, 'job-1', jm.address], [1, 'job-1', jm.address]]);
      const [a, b] = te.slotRequests.map((r) => r.allocationId);
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(b).not.toBe(a);
      expect(jm.offeredAllocations()).toEqual([a, b]);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
      // Declaring the same again allocates nothing more.
      await declare('job-1', 2);
      await settle();
      expect(te.slotRequests).toHaveLength(2);
    });

    it('takes allocation ids from the injected generator: the same seed allocates the same ids', async () => {
      const idsOf = async (seed: number): Promise<string[]> => {
        const local = new LocalRpcService(ASK_TIMEOUT_MS, clock);
        const other = new ResourceManager({ rpc: local, scheduler: clock, ids: new RandomIdGenerator(new SeededRandom(seed)) });
        other.grantLeadership(DEFAULT_LEADER_ID);
        const te = new TestingTaskExecutorGateway({ rpc: local, resourceId: 'tm', numberOfSlots: 2 });
        await te.registerAt(other.address);
        const job = new TestingJobMasterGateway(local, 'job-x');
        await other.declareRequiredResources(job.ref, { jobId: 'job-x', numberOfRequiredSlots: 2 });
        await settle();
        await other.close();
        await local.close();
        return te.slotRequests.map((r) => r.allocationId);
      };
      expect(await idsOf(5)).toEqual(await idsOf(5));
      expect(await idsOf(5)).not.toEqual(await idsOf(6));
    });

    it('keeps what a job is short of until slots register or free up, serving jobs in declaration order', async () => {
      const other = new TestingJobMasterGateway(rpc, 'job-2');
      await declare('job-1', 1);
      await declare('job-2', 1, other);
      await settle();
      expect(jm.slotOffers).toEqual([]);

      const te = await taskExecutor('tm-1', 1);
      await settle();
      expect(te.slotRequests.map((r) => r.jobId)).toEqual(['job-1']);

      // job-1 ends: its JobMaster declares nothing and frees the slot, which goes to job-2.
      await declare('job-1', 0);
      await te.freeSlot(te.slotRequests[0].allocationId, 'job finished');
      await settle();
      expect(te.slotRequests.map((r) => r.jobId)).toEqual(['job-1', 'job-2']);
      expect(other.offeredAllocations()).toEqual([te.slotRequests[1].allocationId]);
    });

    it('acknowledges a declaration at once, so a wait longer than rpc.ask-timeout fails nothing', async () => {
      const jobMasterView = rpc.connect<ResourceManagerGateway>(rm.address, { fencingToken: DEFAULT_LEADER_ID });
      await expect(jobMasterView.declareRequiredResources(jm.ref, { jobId: 'job-1', numberOfRequiredSlots: 1 })).resolves.toBeUndefined();
      await advance(ASK_TIMEOUT_MS * 2);
      expect(jm.allocationFailures).toEqual([]);

      const te = await taskExecutor('tm-1', 1);
      await settle();
      expect(jm.offeredAllocations()).toEqual([te.slotRequests[0].allocationId]);
    });

    it('lists the registered TaskManagers with their slots, free slots and time since their last heartbeat', async () => {
      const te = await taskExecutor('tm-1', 2);
      await declare('job-1', 1);
      await advance(15_000);
      expect(await rm.requestTaskManagerInfo()).toEqual([
        { resourceId: 'tm-1', address: te.address, dataPort: -1, slotsNumber: 2, freeSlots: 1, timeSinceLastHeartbeatMs: 5_000 },
      ]);
      te.withHeartbeatAnswers('hang');
      await advance(20_000);
      expect((await rm.requestTaskManagerInfo())[0].timeSinceLastHeartbeatMs).toBe(25_000);
      await rm.disconnectTaskExecutor('tm-1', 'gone');
      expect(await rm.requestTaskManagerInfo()).toEqual([]);
    });

    it('frees a slot only for the allocation that holds it', async () => {
      await taskExecutor('tm-1', 1);
      await declare('job-1', 1);
      await settle();
      const [allocationId] = jm.offeredAllocations();
      await declare('job-1', 0);
      await rm.notifySlotAvailable('tm-1', 0, 'some-older-allocation');
      expect((await rm.getOverview()).slotsAvailable).toBe(0);
      await rm.notifySlotAvailable('tm-1', 0, allocationId);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });
  });

  describe('slot reports', () => {
    it('frees a slot that its TaskExecutor reports free in a heartbeat (its notifySlotAvailable was lost), but not one whose request is on its way', async () => {
      await rm.close();
      rm = await createRm({ heartbeat: { intervalMs: 1_000, timeoutMs: 5_000, rpcFailureThreshold: 2 } });
      let report: SlotReportEntry[] = [{ slotIndex: 0 }];
      let grant: (() => void) | undefined;
      const address = rpc.register('taskmanager-tm-x', {
        requestSlot: (slotIndex: number, jobId: string, allocationId: string) =>
          new Promise<void>((resolve) => (grant = () => {
            report = [{ slotIndex, allocationId, jobId }];
            resolve();
          })),
        heartbeatFromResourceManager: async () => report,
      });
      await rm.registerTaskExecutor({ resourceId: 'tm-x', address, slots: [{ slotIndex: 0 }] });
      await declare('job-1', 1);
      await settle();
      // The request is on its way: a report that predates it does not free the slot.
      await advance(3_000);
      expect((await rm.getOverview()).slotsAvailable).toBe(0);
      grant!();
      await settle();
      await declare('job-1', 0);
      // The TaskExecutor freed it; the ResourceManager never heard, until the next heartbeat.
      report = [{ slotIndex: 0 }];
      await advance(1_000);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });
  });

  describe('failures', () => {
    it('reports an allocation the TaskExecutor refused and frees the slot again', async () => {
      const te = await taskExecutor('tm-1', 1);
      te.withRequestSlot(async () => {
        throw new FlottError('SLOT_OCCUPIED', 'Slot 0 is allocated to someone else');
      });
      await declare('job-1', 1);
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code, f.cause.message])).toEqual([
        [te.slotRequests[0].allocationId, 'SLOT_OCCUPIED', 'Slot 0 is allocated to someone else'],
      ]);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });

    it('fails the allocated slots of a TaskExecutor that disappears, and gives the job a replacement from the others', async () => {
      const lost = await taskExecutor('tm-lost', 2);
      await declare('job-1', 1);
      await settle();
      const [lostAllocation] = jm.offeredAllocations();

      lost.disappear();
      await rm.disconnectTaskExecutor('tm-lost', 'heartbeat of TaskManager timed out');
      await settle();
      expect(jm.allocationFailures).toEqual([
        {
          allocationId: lostAllocation,
          cause: expect.objectContaining({
            code: 'TASK_MANAGER_LOST',
            name: 'TaskManagerLostError',
            message: `TaskManager tm-lost disconnected (heartbeat of TaskManager timed out); slot ${lostAllocation} is lost`,
            data: { resourceId: 'tm-lost', cause: 'heartbeat of TaskManager timed out', allocationId: lostAllocation, jobId: 'job-1' },
          }),
        },
      ]);
      expect(await rm.getOverview()).toEqual({ taskManagers: 0, slotsTotal: 0, slotsAvailable: 0, canStartWorkers: false });

      // The job still declares one slot: the next TaskExecutor to register gives it one.
      const other = await taskExecutor('tm-2', 1);
      await settle();
      expect(other.slotRequests.map((r) => r.jobId)).toEqual(['job-1']);
      expect(jm.allocationFailures).toHaveLength(1);
    });

    it('disconnects a TaskExecutor at once when the connection to its process is lost, without waiting for heartbeats', async () => {
      // The TaskExecutor is another "host" on the network: closing its service is what a crash looks like.
      const network = new LocalRpcNetwork();
      const rmRpc = new LocalRpcService(ASK_TIMEOUT_MS, clock, network);
      const teRpc = new LocalRpcService(ASK_TIMEOUT_MS, clock, network);
      const remote = await createRm({ rpc: rmRpc });
      const job = new TestingJobMasterGateway(rmRpc, 'job-1');
      const te = new TestingTaskExecutorGateway({ rpc: teRpc, resourceId: 'tm-far', numberOfSlots: 1 });
      await te.registerAt(remote.address);
      await remote.declareRequiredResources(job.ref, { jobId: 'job-1', numberOfRequiredSlots: 1 });
      await settle();
      expect(job.offeredAllocations()).toHaveLength(1);

      await teRpc.close();
      await settle();
      expect(job.allocationFailures.map((f) => [f.cause.code, f.cause.data?.cause])).toEqual([
        ['TASK_MANAGER_LOST', expect.stringMatching(/^connection to TaskManager lost: /)],
      ]);
      expect((await remote.getOverview()).taskManagers).toBe(0);
      await remote.close();
      await rmRpc.close();
    });

    it('keeps the allocations a re-registering TaskExecutor still reports and fails the others', async () => {
      const te = await taskExecutor('tm-1', 2);
      await declare('job-1', 2);
      await settle();
      const [a, b] = jm.offeredAllocations();
      await declare('job-1', 1);
      await te.freeSlot(b, 'job released it');
      // It comes back (e.g. after a lost connection) and reports what it still holds.
      await rm.registerTaskExecutor({ resourceId: 'tm-1', address: te.address, slots: [{ slotIndex: 0, allocationId: a, jobId: 'job-1' }, { slotIndex: 1 }] });
      await settle();
      expect(jm.allocationFailures).toEqual([]);
      expect(await rm.getOverview()).toEqual({ taskManagers: 1, slotsTotal: 2, slotsAvailable: 1, canStartWorkers: false });

      // A kept allocation is still the JobMaster's: losing the TaskExecutor now reports it.
      await rm.disconnectTaskExecutor('tm-1', 'gone');
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code])).toEqual([[a, 'TASK_MANAGER_LOST']]);
    });

    it('reports a re-registration that lost an allocation', async () => {
      const te = await taskExecutor('tm-1', 1);
      await declare('job-1', 1);
      await settle();
      const [a] = jm.offeredAllocations();
      await declare('job-1', 0);
      await rm.registerTaskExecutor({ resourceId: 'tm-1', address: te.address, slots: [{ slotIndex: 0 }] });
      await settle();
      expect(jm.allocationFailures.map((f) => [f.allocationId, f.cause.code, f.cause.data])).toEqual([
        [a, 'TASK_MANAGER_LOST', { resourceId: 'tm-1', cause: 're-registration', allocationId: a, jobId: 'job-1' }],
      ]);
      expect((await rm.getOverview()).slotsAvailable).toBe(1);
    });

    it('tells the JobMasters that still declare slots when it shuts down, and refuses declarations after', async () => {
      await declare('job-1', 1);
      await rm.close();
      await settle();
      expect(jm.resourceManagerDisconnects.map((c) => [c.code, c.message])).toEqual([['RESOURCE_MANAGER_CLOSED', 'The ResourceManager shut down']]);
      await expect(declare('job-1', 1)).rejects.toMatchObject({ code: 'RESOURCE_MANAGER_CLOSED' });
    });
  });

  describe('standalone start-up period (resourcemanager.standalone.start-up-time)', () => {
    it('says that slots may still come until the period after start() has passed, then that none will', async () => {
      await rm.close();
      rm = await createRm({ standaloneStartupPeriodMs: 5_000 });
      expect(await rm.getOverview()).toEqual({ taskManagers: 0, slotsTotal: 0, slotsAvailable: 0, canStartWorkers: true });
      clock.advance(4_999);
      expect((await rm.getOverview()).canStartWorkers).toBe(true);
      clock.advance(1);
      expect(await rm.getOverview()).toEqual({ taskManagers: 0, slotsTotal: 0, slotsAvailable: 0, canStartWorkers: false });
    });
  });

  describe('with a driver (active resource management)', () => {
    let driver: TestingResourceManagerDriver;
    const workerSpec = { cpuCores: 2, memoryMb: 1024, numberOfSlots: 2 };

    beforeEach(async () => {
      await rm.close();
      driver = new TestingResourceManagerDriver();
      rm = await createRm({ driver: { driver, workerSpec } });
    });

    /** The driver's workers come up and register as TaskManagers with their slots. */
    const registerStartedWorkers = async (): Promise<TestingTaskExecutorGateway[]> => {
      await settle();
      const out: TestingTaskExecutorGateway[] = [];
      for (const w of driver.platform.running.values()) out.push(await taskExecutor(w.resourceId, w.spec.numberOfSlots));
      await settle();
      return out;
    };

    it('asks the driver for enough workers when slots are short, counting workers already asked for', async () => {
      expect((await rm.getOverview()).canStartWorkers).toBe(true);
      await declare('job-1', 3);
      await settle();
      expect(driver.requests).toEqual([workerSpec, workerSpec]);
      // More declared while the workers start: only what they do not cover is asked for.
      await declare('job-1', 4);
      await settle();
      expect(driver.requests).toHaveLength(2);
      await declare('job-1', 5);
      await settle();
      expect(driver.requests).toHaveLength(3);

      const workers = await registerStartedWorkers();
      expect(workers.flatMap((w) => w.slotRequests.map((r) => r.jobId))).toEqual(Array(5).fill('job-1'));
      expect(jm.offeredAllocations()).toHaveLength(5);
    });

    it('does not ask for workers that registered slots cover', async () => {
      await taskExecutor('tm-own', 2);
      await declare('job-1', 2);
      await settle();
      expect(driver.requests).toEqual([]);
    });

    it('stops a worker it started after its slots were all free for resourcemanager.taskmanager-timeout', async () => {
      await declare('job-1', 2);
      const [worker] = await registerStartedWorkers();
      const allocations = worker.slotRequests.map((r) => r.allocationId);
      await advance(TASK_MANAGER_TIMEOUT_MS * 2);
      expect(driver.released).toEqual([]);

      await declare('job-1', 0);
      await worker.freeSlot(allocations[0], 'job finished');
      await advance(TASK_MANAGER_TIMEOUT_MS);
      expect(driver.released).toEqual([]);
      await worker.freeSlot(allocations[1], 'job finished');
      await advance(TASK_MANAGER_TIMEOUT_MS - 1);
      expect(driver.released).toEqual([]);
      await advance(1);
      expect(driver.released).toEqual([worker.resourceId]);
      expect(await rm.getOverview()).toMatchObject({ taskManagers: 0, slotsTotal: 0 });
      expect(jm.allocationFailures).toEqual([]);
    });

    it('never stops a TaskManager that registered on its own', async () => {
      await taskExecutor('tm-own', 1);
      await advance(TASK_MANAGER_TIMEOUT_MS * 3);
      expect(driver.released).toEqual([]);
      expect((await rm.getOverview()).taskManagers).toBe(1);
    });

    it('fails the slots of a worker the platform lost and asks for a replacement', async () => {
      await declare('job-1', 2);
      const [worker] = await registerStartedWorkers();
      driver.platform.kill(worker.resourceId, 'pod evicted');
      await settle();
      expect(jm.allocationFailures.map((f) => [f.cause.code, f.cause.data?.cause])).toEqual([
        ['TASK_MANAGER_LOST', 'worker terminated: pod evicted'],
        ['TASK_MANAGER_LOST', 'worker terminated: pod evicted'],
      ]);
      expect(driver.requests).toHaveLength(2);
    });

    it('asks again, after the retry interval, for a worker that failed to start', async () => {
      let fail = true;
      driver.withRequestResource(async (spec) => {
        if (fail) throw new FlottError('QUOTA_EXCEEDED', 'no room for another pod');
        return driver.platform.start(spec);
      });
      await declare('job-1', 1);
      await settle();
      expect(driver.requests).toHaveLength(1);
      fail = false;
      await advance(RETRY_INTERVAL_MS - 1);
      expect(driver.requests).toHaveLength(1);
      await advance(1);
      expect(driver.requests).toHaveLength(2);
      const [worker] = await registerStartedWorkers();
      expect(worker.slotRequests.map((r) => r.jobId)).toEqual(['job-1']);
    });

    it('counts a worker that died before it registered as not coming, and asks for another', async () => {
      await declare('job-1', 1);
      await settle();
      const [started] = driver.platform.running.keys();
      driver.platform.kill(started, 'crashed on start');
      await settle();
      expect(driver.requests).toHaveLength(2);
      expect(jm.allocationFailures).toEqual([]);
    });
  });
});
