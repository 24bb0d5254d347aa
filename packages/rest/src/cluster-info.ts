import type { MiniCluster, ResourceManagerGateway, ResourceOverview, TaskTimeSample } from '@flott/runtime';

/** One TaskManager as /taskmanagers shows it. */
export interface TaskManagerSummary {
  readonly id: string;
  /** Its RPC address. */
  readonly path: string;
  readonly dataPort: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
  readonly timeSinceLastHeartbeat: number;
  /** Heap in use by its slot threads, when it reports it. */
  readonly heapUsedBytes?: number;
}

/**
 * What the REST API shows of the cluster besides its jobs (Flink asks the ResourceManager for it):
 * the slot overview and the TaskManagers. The composer of a cluster passes one in; calls may come
 * concurrently from several requests and must not change anything.
 */
export interface ClusterInfoGateway {
  overview(): Promise<ResourceOverview>;
  taskManagers(): Promise<TaskManagerSummary[]>;
  /** Busy / idle / back-pressured time of the running tasks by attempt id, where the cluster can sample them. */
  taskTimes?(): Promise<Record<string, TaskTimeSample>>;
  /** The combined input watermark of the running tasks by attempt id (-Infinity: none yet, or a source). */
  taskWatermarks?(): Promise<Record<string, number>>;
}

/** The MiniCluster's ResourceManager and its TaskManagers (one unless minicluster.number-of-taskmanagers says more). */
export function miniClusterInfo(cluster: MiniCluster): ClusterInfoGateway {
  const allStats = async () => (await Promise.all(cluster.taskExecutors.map((te) => te.slotStats()))).flat();
  return {
    overview: () => cluster.resourceManager.getOverview(),
    async taskManagers() {
      const registered = new Map((await cluster.resourceManager.requestTaskManagerInfo()).map((tm) => [tm.resourceId, tm]));
      return Promise.all(
        cluster.taskExecutors.map(async (te) => {
          const info = registered.get(te.resourceId);
          const stats = await te.slotStats();
          return {
            id: te.resourceId,
            path: te.address,
            dataPort: info?.dataPort ?? -1,
            slotsNumber: te.numberOfSlots,
            freeSlots: info?.freeSlots ?? te.numberOfSlots,
            timeSinceLastHeartbeat: info?.timeSinceLastHeartbeatMs ?? 0,
            heapUsedBytes: stats.reduce((sum, s) => sum + s.heapUsedBytes, 0),
          };
        }),
      );
    },
    async taskTimes() {
      return Object.assign({}, ...(await allStats()).map((s) => s.taskTimes ?? {}));
    },
    async taskWatermarks() {
      return Object.assign({}, ...(await allStats()).map((s) => s.inputWatermarks ?? {}));
    },
  };
}

/**
 * A JobManager process's cluster: the ResourceManager's view of the TaskManagers that registered
 * (over the network). Busy/idle times and watermarks of tasks in other processes are not sampled yet.
 */
export function resourceManagerClusterInfo(rm: ResourceManagerGateway): ClusterInfoGateway {
  return {
    overview: () => rm.getOverview(),
    async taskManagers() {
      return (await rm.requestTaskManagerInfo()).map((tm) => ({
        id: tm.resourceId,
        path: tm.address,
        dataPort: tm.dataPort,
        slotsNumber: tm.slotsNumber,
        freeSlots: tm.freeSlots,
        timeSinceLastHeartbeat: tm.timeSinceLastHeartbeatMs,
      }));
    },
  };
}
