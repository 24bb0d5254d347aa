import type { MiniCluster, TaskManagerStats } from '@flott/runtime';
import { TestingResourceManagerGateway } from '@flott/runtime/testing';
import { miniClusterInfo, resourceManagerClusterInfo } from './cluster-info';

const statsOf = (heap: number, attempt: string, watermark: number): TaskManagerStats => ({
  heapUsedBytes: heap,
  taskTimes: { [attempt]: { elapsedMs: 1_000, idleMs: 200, backPressuredMs: 300 } },
  inputWatermarks: { [attempt]: watermark },
  taskRecords: { [attempt]: { in: heap, out: heap + 1 } },
});

describe('cluster info for the REST API', () => {
  it("a JobManager process: the ResourceManager's registered TaskManagers, with the stats of those that answered", async () => {
    const rm = new TestingResourceManagerGateway().withOverview({ taskManagers: 2, slotsTotal: 3, slotsAvailable: 3 });
    await rm.registerTaskExecutor({ resourceId: 'tm-a', address: 'flott.tcp://10.0.0.2:4000/taskmanager-tm-a', dataPort: 4001, slots: [{ slotIndex: 0 }, { slotIndex: 1 }] });
    await rm.registerTaskExecutor({ resourceId: 'tm-b', address: 'flott.tcp://10.0.0.3:4000/taskmanager-tm-b', dataPort: 4001, slots: [{ slotIndex: 0 }] });
    // tm-b did not answer the stats request in time: it is listed, without heap, and its tasks are not sampled.
    rm.withTaskManagerStats([{ resourceId: 'tm-a', stats: statsOf(1234, 'a1', 5) }]);
    const info = resourceManagerClusterInfo(rm);
    expect(await info.overview()).toEqual({ taskManagers: 2, slotsTotal: 3, slotsAvailable: 3, canStartWorkers: false });
    expect(await info.taskManagers()).toEqual([
      { id: 'tm-a', path: 'flott.tcp://10.0.0.2:4000/taskmanager-tm-a', dataPort: 4001, slotsNumber: 2, freeSlots: 2, timeSinceLastHeartbeat: 0, heapUsedBytes: 1234 },
      { id: 'tm-b', path: 'flott.tcp://10.0.0.3:4000/taskmanager-tm-b', dataPort: 4001, slotsNumber: 1, freeSlots: 1, timeSinceLastHeartbeat: 0 },
    ]);
    expect(await info.taskTimes!()).toEqual({ a1: { elapsedMs: 1_000, idleMs: 200, backPressuredMs: 300 } });
    expect(await info.taskWatermarks!()).toEqual({ a1: 5 });
    expect(await info.taskRecords!()).toEqual({ a1: { in: 1234, out: 1235 } });
  });

  it('a MiniCluster: every TaskManager, with heap and task samples gathered from all of them', async () => {
    const cluster = {
      resourceManager: {
        getOverview: async () => ({ taskManagers: 2, slotsTotal: 2, slotsAvailable: 1, canStartWorkers: false }),
        requestTaskManagerInfo: async () => [{ resourceId: 'tm-1', address: 'local://x/tm-1', dataPort: 7001, slotsNumber: 1, freeSlots: 0, timeSinceLastHeartbeatMs: 120 }],
      },
      taskExecutors: [
        { resourceId: 'tm-1', address: 'local://x/tm-1', numberOfSlots: 1, requestTaskManagerStats: async () => statsOf(100, 'a1', 5) },
        { resourceId: 'tm-2', address: 'local://x/tm-2', numberOfSlots: 1, requestTaskManagerStats: async () => statsOf(200, 'a2', 7) },
      ],
    } as unknown as MiniCluster;
    const info = miniClusterInfo(cluster);
    expect(await info.taskManagers()).toEqual([
      { id: 'tm-1', path: 'local://x/tm-1', dataPort: 7001, slotsNumber: 1, freeSlots: 0, timeSinceLastHeartbeat: 120, heapUsedBytes: 100 },
      // Not (yet) registered: its own view.
      { id: 'tm-2', path: 'local://x/tm-2', dataPort: -1, slotsNumber: 1, freeSlots: 1, timeSinceLastHeartbeat: 0, heapUsedBytes: 200 },
    ]);
    expect(Object.keys(await info.taskTimes!()).sort()).toEqual(['a1', 'a2']);
    expect(await info.taskWatermarks!()).toEqual({ a1: 5, a2: 7 });
    expect(await info.taskRecords!()).toEqual({ a1: { in: 100, out: 101 }, a2: { in: 200, out: 201 } });
  });
});
