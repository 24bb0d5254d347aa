/**
 * Entry point of a job's coordinator thread (DESIGN.md §4, §5): the JobMaster starts one per job with
 * unified sources; it re-runs the job's main in task mode to rebuild the graph, and runs the sources'
 * SplitEnumerators on its own event loop (as Flink runs each source coordinator on its own thread).
 */
import { parentPort } from 'node:worker_threads';
import { Configuration } from '@flott/core';
import { extractStreamGraph } from '../client/job-loader';
import { registerRuntimeErrorClassesOnDemand } from '../error-classes-on-demand';
import { SILENT_LOGGER } from '../logging/logger';
import { SystemClock, SystemScheduler } from '../time/clock';
import { CoordinatorHost } from './coordinator-host';
import type { FromCoordinatorThread, ToCoordinatorThread } from '../coordination/coordinator-protocol';

registerRuntimeErrorClassesOnDemand();
const port = parentPort!;
const host = new CoordinatorHost({
  clock: new SystemClock(),
  scheduler: new SystemScheduler(),
  log: SILENT_LOGGER,
  post: (msg: FromCoordinatorThread) => port.postMessage(msg),
  loadStreamGraph: async (artifactPath, request) => (await extractStreamGraph(artifactPath, { mode: 'task', ...request })).graph,
  configurationOf: (record) => Configuration.fromRecord(record),
});
port.on('message', (msg: ToCoordinatorThread) => host.handle(msg));
process.setSourceMapsEnabled(true);
