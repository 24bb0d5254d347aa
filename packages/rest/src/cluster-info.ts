import type { Configuration } from '@flott/core';
import {
  RestOptions, type MiniCluster, type ResourceManagerGateway, type ResourceOverview, type ResourceSpec, type TaskManagerInfo, type TaskManagerStats, type TaskRecordCounts,
  type TaskTimeSample,
} from '@flott/runtime';

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
  /** Its total resources and what its allocated slots leave (fine-grained resource management), when it declares them. */
  readonly totalResources?: ResourceSpec;
  readonly freeResources?: ResourceSpec;
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
  /** The records each running task read and wrote so far, by attempt id (the IO metrics of /jobs/:jobid and its vertices). */
  taskRecords?(): Promise<Record<string, TaskRecordCounts>>;
}

/** The MiniCluster's ResourceManager and its TaskManagers (one unless minicluster.number-of-taskmanagers says more). */
export function miniClusterInfo(cluster: MiniCluster): ClusterInfoGateway {
  const allStats = () => Promise.all(cluster.taskExecutors.map((te) => te.requestTaskManagerStats()));
  return {
    overview: () => cluster.resourceManager.getOverview(),
    async taskManagers() {
      const registered = new Map((await cluster.resourceManager.requestTaskManagerInfo()).map((tm) => [tm.resourceId, tm]));
      return Promise.all(
        cluster.taskExecutors.map(async (te) => {
          const info = registered.get(te.resourceId);
          const stats = await te.requestTaskManagerStats();
          return {
            id: te.resourceId,
            path: te.address,
            dataPort: info?.dataPort ?? -1,
            slotsNumber: te.numberOfSlots,
            freeSlots: info?.freeSlots ?? te.numberOfSlots,
            timeSinceLastHeartbeat: info?.timeSinceLastHeartbeatMs ?? 0,
            heapUsedBytes: stats.heapUsedBytes,
            ...resourcesOf(info),
          };
        }),
      );
    },
    taskTimes: async () => mergeTaskTimes(await allStats()),
    taskWatermarks: async () => mergeWatermarks(await allStats()),
    taskRecords: async () => mergeTaskRecords(await allStats()),
  };
}

/**
 * A JobManager process's cluster: the ResourceManager's view of the TaskManagers that registered
 * (over the network), and their tasks' statistics, which the ResourceManager asks each of them for
 * (rest.taskmanager-stats.timeout per TaskManager: one that does not answer is left out; its tasks
 * show no back-pressure sample and no watermark, its heap is unknown).
 */
export function resourceManagerClusterInfo(rm: ResourceManagerGateway, configuration?: Configuration): ClusterInfoGateway {
  const timeoutMs = configuration?.get(RestOptions.TASKMANAGER_STATS_TIMEOUT) ?? RestOptions.TASKMANAGER_STATS_TIMEOUT.defaultValue;
  const allStats = async () => (await rm.requestTaskManagerStats(timeoutMs)).map((e) => e.stats);
  return {
    overview: () => rm.getOverview(),
    async taskManagers() {
      const [infos, stats] = await Promise.all([rm.requestTaskManagerInfo(), rm.requestTaskManagerStats(timeoutMs)]);
      const heap = new Map(stats.map((e) => [e.resourceId, e.stats.heapUsedBytes]));
      return infos.map((tm) => ({
        id: tm.resourceId,
        path: tm.address,
        dataPort: tm.dataPort,
        slotsNumber: tm.slotsNumber,
        freeSlots: tm.freeSlots,
        timeSinceLastHeartbeat: tm.timeSinceLastHeartbeatMs,
        ...(heap.has(tm.resourceId) ? { heapUsedBytes: heap.get(tm.resourceId) } : {}),
        ...resourcesOf(tm),
      }));
    },
    taskTimes: async () => mergeTaskTimes(await allStats()),
    taskWatermarks: async () => mergeWatermarks(await allStats()),
    taskRecords: async () => mergeTaskRecords(await allStats()),
  };
}

function resourcesOf(info: TaskManagerInfo | undefined): { totalResources?: ResourceSpec; freeResources?: ResourceSpec } {
  return info?.totalResources && info.freeResources ? { totalResources: info.totalResources, freeResources: info.freeResources } : {};
}

function mergeTaskTimes(stats: readonly TaskManagerStats[]): Record<string, TaskTimeSample> {
  return Object.assign({}, ...stats.map((s) => s.taskTimes));
}

function mergeWatermarks(stats: readonly TaskManagerStats[]): Record<string, number> {
  return Object.assign({}, ...stats.map((s) => s.inputWatermarks));
}

function mergeTaskRecords(stats: readonly TaskManagerStats[]): Record<string, TaskRecordCounts> {
  return Object.assign({}, ...stats.map((s) => s.taskRecords));
}
