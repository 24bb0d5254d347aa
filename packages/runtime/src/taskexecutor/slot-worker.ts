/**
 * Entry point of a task slot thread (DESIGN.md §4): wires the production services into a SlotRuntime,
 * which receives deployments from its TaskExecutor, re-runs the job's main in task mode to rebuild the
 * graph, and runs the deployed subtasks as mailbox tasks on this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Configuration } from '@flott/core';
import { extractStreamGraph } from '../client/job-loader';
import { registerRuntimeErrorClassesOnDemand } from '../error-classes-on-demand';
import { createThreadLogger } from '../logging/thread-logger';
import { createPluginContainer } from '../plugins/plugin-loader';
import { DataClientConnections, DataServer, type RemotePartitionProvider } from '../network';
import { NetworkOptions } from '../config/options';
import type { Container } from 'inversify';
import { loadCheckpointStorageFactory, loadStateBackendFactory } from '../spi/loaders';
import { SystemClock, SystemScheduler } from '../time/clock';
import { onNextTurn } from '../time/event-loop';
import { SystemRandom } from '../time/random';
import type { FromSlot, SlotInit, SlotWorkerData, ToSlot } from './slot-protocol';
import { SlotRuntime } from './slot-runtime';

registerRuntimeErrorClassesOnDemand();
const port = parentPort!;

/** Wires this slot's runtime from its data (`workerData`, or the first message of a prestarted thread). */
function start(data: SlotWorkerData): void {
  /** This thread's logger: lines go to the TaskExecutor's destination, in order with the slot's other messages. */
  const logger = createThreadLogger(data.logLevel ?? 'off', { resourceId: data.resourceId, slot: data.slotIndex }, (line) =>
    port.postMessage({ type: 'log', line } satisfies FromSlot),
  );

  /** The slot's plugins (state backends, checkpoint storages), loaded once: right after start (below), or by a task first. */
  let plugins: Container | undefined;
  const pluginContainer = (): Container => (plugins ??= createPluginContainer(data.pluginModules));

  /** This slot's own data connections to other TaskManagers (docs/network.md), made on its first remote channel. */
  let connections: Promise<DataClientConnections> | undefined;
  const config = Configuration.fromRecord(data.configuration);
  // The TLS material is loaded (and its module too) only when the slot first needs it.
  const security = () => import('../security/internal-security').then(({ internalSecurityOf }) => internalSecurityOf(config));
  const dataConnections = {
    get: (): Promise<DataClientConnections> => (connections ??= security().then((material) => new DataClientConnections({
      segmentSize: config.get(NetworkOptions.SEGMENT_SIZE),
      connectTimeoutMs: config.get(NetworkOptions.CONNECT_TIMEOUT_SEC) * 1000,
      scheduler: new SystemScheduler(),
      logger,
      ...material,
    }))),
    close: (): void => void connections?.then((c) => c.close(), () => undefined),
  };
  /** This slot's own data server (docs/network.md, "Slot threads' own data servers"), when its TaskExecutor gives it one. */
  const server = data.dataServer;
  const dataServer = server && (async (partitions: RemotePartitionProvider) => DataServer.start({
    bindHost: server.bindHost,
    port: server.port,
    advertisedHost: server.advertisedHost,
    segmentSize: config.get(NetworkOptions.SEGMENT_SIZE),
    maxChannelsPerConnection: config.get(NetworkOptions.MAX_CONNECTION_CHANNELS),
    connectTimeoutMs: config.get(NetworkOptions.CONNECT_TIMEOUT_SEC) * 1000,
    scheduler: new SystemScheduler(),
    partitions,
    logger,
    kind: 'slot thread',
    ...(await security()),
  }));

  const runtime = new SlotRuntime({
    dataConnections,
    ...(dataServer ? { dataServer } : {}),
    port,
    logger,
    workerData: data,
    clock: new SystemClock(),
    scheduler: new SystemScheduler(),
    random: new SystemRandom(),
    loadStreamGraph: async (artifactPath, request) => (await extractStreamGraph(artifactPath, { mode: 'task', ...request })).graph,
    createStateBackend: (config) => loadStateBackendFactory(pluginContainer(), config).create(config),
    createCheckpointStorage: (config, jobId) => loadCheckpointStorageFactory(pluginContainer(), config).create(config).createCheckpointStorageAccess(jobId),
    onNextTurn,
    heapUsedBytes: () => process.memoryUsage().heapUsed,
  });

  port.on('message', (msg: ToSlot) => runtime.handle(msg));

  process.setSourceMapsEnabled(true);
  runtime.start();
  // The plugins (inversify and the stock plugins) load now, after the slot said it is ready and while its first
  // deployment is on its way, not on the path of a later task's records: a BATCH job's keyed stage starts on this
  // thread when the source stage ends (word count: ~65 ms at the end, measured). One that fails to load fails
  // the task that needs it, then.
  onNextTurn(() => {
    try {
      pluginContainer();
    } catch {
      // reported by the task that needs a plugin
    }
  });
}

// A thread started before its slot (prestartSlotThreads) has loaded its modules by now and waits for its data.
if (workerData) start(workerData as SlotWorkerData);
else port.once('message', (msg: SlotInit) => start(msg.workerData));
