import { DEFAULT_LEADER_ID } from '../spi/high-availability-services';
import type { ResourceSpec } from '../deployment/resource-spec';
import { LocalRpcNetwork, LocalRpcService } from '../rpc/rpc-service';
import { settle } from '../testing/settle';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingResourceManagerDriver } from '../testing/testing-resource-manager-driver';
import { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { ManualClock } from '../time/clock';
import { RandomIdGenerator } from '../time/ids';
import { SeededRandom } from '../time/random';
import { ResourceManager } from './resource-manager';

/**
 * Fine-grained resource management (Flink's FineGrainedSlotManager): TaskManagers register their total
 * resources; slots of slot sharing groups with declared resources are carved from what the allocated
 * slots leave, default slots take an equal share each.
 */
describe('ResourceManager with fine-grained resources', () => {
  let clock: ManualClock;
  let rpc: LocalRpcService;
  let rm: ResourceManager;
  let jm: TestingJobMasterGateway;
  const big: ResourceSpec = { cpuCores: 2, taskHeapMemoryMB: 512 };

  beforeEach(async () => {
    clock = new ManualClock(1_000);
    rpc = new LocalRpcService(10_000, clock);
    rm = new ResourceManager({ rpc, scheduler: clock, clock, ids: new RandomIdGenerator(new SeededRandom(3)), taskManagerTimeoutMs: 30_000 });
    rm.grantLeadership(DEFAULT_LEADER_ID);
    await rm.start();
    jm = new TestingJobMasterGateway(rpc, 'job-1');
  });

  afterEach(async () => {
    await rm.close();
    await rpc.close();
  });

  /** A TaskManager with 4 default slots over 4 cores and 1024 MB (256 MB and one core each). */
  const taskExecutor = async (resourceId: string): Promise<TestingTaskExecutorGateway> => {
    const te = new TestingTaskExecutorGateway({ rpc, resourceId, numberOfSlots: 4, totalResources: { cpuCores: 4, taskHeapMemoryMB: 1024 } });
    await te.registerAt(rm.address);
    return te;
  };

  it('carves dynamic slots of the declared resources after the default slots, and fills the rest with default slots', async () => {
    const te = await taskExecutor('tm-1');
    await rm.declareRequiredResources(jm.ref, { jobId: 'job-1', numberOfRequiredSlots: 3, resources: [{ resources: big, numberOfRequiredSlots: 1 }] });
    await settle();
    expect(te.slotRequests.map((r) => [r.slotIndex, r.resources])).toEqual([[4, big], [0, undefined], [1, undefined]]);
    expect(jm.offeredAllocations()).toHaveLength(3);
    expect((await rm.requestTaskManagerInfo())[0]).toMatchObject({ totalResources: { cpuCores: 4, taskHeapMemoryMB: 1024 }, freeResources: { cpuCores: 0, taskHeapMemoryMB: 0 } });
    // 2 + 1 + 1 cores of 4 are taken: no further default slot fits although slots 2 and 3 are free.
    expect(await rm.getOverview()).toMatchObject({ slotsTotal: 4, largestTaskManager: { cpuCores: 4, taskHeapMemoryMB: 1024 } });
    await rm.declareRequiredResources(jm.ref, { jobId: 'job-1', numberOfRequiredSlots: 4, resources: [{ resources: big, numberOfRequiredSlots: 1 }] });
    await settle();
    expect(te.slotRequests).toHaveLength(3);
  });

  it('gives the resources of a freed dynamic slot back, and the slot goes with its allocation', async () => {
    const te = await taskExecutor('tm-1');
    await rm.declareRequiredResources(jm.ref, { jobId: 'job-1', numberOfRequiredSlots: 2, resources: [{ resources: big, numberOfRequiredSlots: 2 }] });
    await settle();
    expect(te.slotRequests.map((r) => r.slotIndex)).toEqual([4, 5]);
    const other = new TestingJobMasterGateway(rpc, 'job-2');
    await rm.declareRequiredResources(other.ref, { jobId: 'job-2', numberOfRequiredSlots: 1 });
    await settle();
    // All 4 cores are carved: job-2 gets nothing yet.
    expect(te.slotRequests).toHaveLength(2);
    await rm.declareRequiredResources(jm.ref, { jobId: 'job-1', numberOfRequiredSlots: 0 });
    await te.freeSlot(te.slotRequests[0].allocationId, 'job ended');
    await settle();
    expect(te.slotRequests.slice(2).map((r) => [r.slotIndex, r.jobId, r.resources])).toEqual([[0, 'job-2', undefined]]);
    await te.registerAt(rm.address);
    // Re-registered: the remaining dynamic slot 5 is reported with its resources and kept.
    expect(te.allocations()[5]).toBe(te.slotRequests[1].allocationId);
  });

  it('leaves a requirement no TaskManager can fit waiting, and reports the largest TaskManager in the overview', async () => {
    const te = await taskExecutor('tm-1');
    await rm.declareRequiredResources(jm.ref, { jobId: 'job-1', numberOfRequiredSlots: 1, resources: [{ resources: { cpuCores: 8, taskHeapMemoryMB: 100 }, numberOfRequiredSlots: 1 }] });
    await settle();
    expect(te.slotRequests).toEqual([]);
    expect((await rm.getOverview()).largestTaskManager).toEqual({ cpuCores: 4, taskHeapMemoryMB: 1024 });
  });

  it('tells what a new worker would have when it can start workers', async () => {
    const driver = new TestingResourceManagerDriver();
    const own = new LocalRpcService(10_000, clock, new LocalRpcNetwork());
    const active = new ResourceManager({
      rpc: own, scheduler: clock, clock, ids: new RandomIdGenerator(new SeededRandom(4)),
      driver: { driver, workerSpec: { numberOfSlots: 2, cpuCores: 3, memoryMb: 2048 } },
    });
    active.grantLeadership(DEFAULT_LEADER_ID);
    await active.start();
    expect(await active.getOverview()).toMatchObject({ canStartWorkers: true, workerResources: { cpuCores: 3, taskHeapMemoryMB: 2048 } });
    await active.close();
    await own.close();
  });
});
