import type { FastifyInstance } from 'fastify';
import { JobStatus } from '@flott/runtime';
import { RestHandlerError } from '../rest-errors';
import { HIDDEN_VALUE, isSensitiveKey } from '../flink-json';
import { RESOURCE_ID, type RouteContext } from './route-context';

const FLOTT_VERSION = (require('../../package.json') as { version: string }).version;

/** /config, /overview, /jobmanager/config, /taskmanagers. */
export function registerClusterHandlers(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/config', async () => {
    const offsetMinutes = -new Date(ctx.clock.currentTimeMillis()).getTimezoneOffset();
    return {
      'refresh-interval': 3000,
      'timezone-name': Intl.DateTimeFormat().resolvedOptions().timeZone,
      'timezone-offset': offsetMinutes * 60_000,
      'flink-version': FLOTT_VERSION,
      'flink-revision': 'flott',
      features: { 'web-submit': false, 'web-cancel': true, 'web-rescale': false, 'web-history': false },
    };
  });

  app.get('/overview', async () => {
    const jobs = await ctx.dispatcher.listJobs();
    const count = (...states: JobStatus[]) => jobs.filter((j) => states.includes(j.status)).length;
    const resources = ctx.cluster ? await ctx.cluster.overview() : { taskManagers: 0, slotsTotal: 0, slotsAvailable: 0 };
    return {
      taskmanagers: resources.taskManagers,
      'slots-total': resources.slotsTotal,
      'slots-available': resources.slotsAvailable,
      'jobs-running': count(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING, JobStatus.FAILING, JobStatus.CANCELLING, JobStatus.RESTARTING),
      'jobs-finished': count(JobStatus.FINISHED),
      'jobs-cancelled': count(JobStatus.CANCELED),
      'jobs-failed': count(JobStatus.FAILED),
      'flink-version': FLOTT_VERSION,
      'flink-commit': 'flott',
    };
  });

  app.get('/jobmanager/config', async () =>
    Object.entries(ctx.configuration.toRecord())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => ({ key, value: isSensitiveKey(key) ? HIDDEN_VALUE : typeof value === 'string' ? value : JSON.stringify(value) })),
  );

  const taskManagerJson = (tm: Awaited<ReturnType<NonNullable<RouteContext['cluster']>['taskManagers']>>[number]) => ({
    id: tm.id,
    path: tm.path,
    dataPort: tm.dataPort,
    jmxPort: -1,
    timeSinceLastHeartbeat: tm.timeSinceLastHeartbeat,
    slotsNumber: tm.slotsNumber,
    freeSlots: tm.freeSlots,
    hardware: { cpuCores: tm.totalResources?.cpuCores ?? 0, physicalMemory: -1, freeMemory: -1, managedMemory: 0 },
    // Flink's ResourceProfileInfo (taskHeapMemory in MB); Flott slots have no off-heap, managed or network memory of their own.
    ...(tm.totalResources && tm.freeResources ? { totalResource: resourceProfileInfo(tm.totalResources), freeResource: resourceProfileInfo(tm.freeResources) } : {}),
  });

  app.get('/taskmanagers', async () => ({ taskmanagers: (ctx.cluster ? await ctx.cluster.taskManagers() : []).map(taskManagerJson) }));

  app.get<{ Params: { taskmanagerid: string } }>(
    '/taskmanagers/:taskmanagerid',
    { schema: { params: { type: 'object', required: ['taskmanagerid'], properties: { taskmanagerid: { type: 'string', pattern: RESOURCE_ID } } } } },
    async (req) => {
      const tm = (ctx.cluster ? await ctx.cluster.taskManagers() : []).find((t) => t.id === req.params.taskmanagerid);
      if (!tm) throw new RestHandlerError(404, `TaskManager ${req.params.taskmanagerid} does not exist`);
      const allocatedSlots: Array<{ jobId: string }> = [];
      for (const job of await ctx.dispatcher.listJobs()) {
        const info = await ctx.dispatcher.requestExecutionGraphInfo(job.jobId).catch(() => undefined);
        const slots = new Set<string>();
        for (const attempts of Object.values(info?.subtasks ?? {})) {
          for (const e of attempts) if (e.assignedSlot?.taskManagerId === tm.id && !slots.has(e.assignedSlot.allocationId)) slots.add(e.assignedSlot.allocationId);
        }
        for (let i = 0; i < slots.size; i++) allocatedSlots.push({ jobId: job.jobId });
      }
      return { ...taskManagerJson(tm), allocatedSlots, metrics: { heapUsed: tm.heapUsedBytes ?? -1 } };
    },
  );
}

function resourceProfileInfo(r: { cpuCores: number; taskHeapMemoryMB: number }): Record<string, unknown> {
  return { cpuCores: r.cpuCores, taskHeapMemory: r.taskHeapMemoryMB, taskOffHeapMemory: 0, managedMemory: 0, networkMemory: 0, extendedResources: {} };
}
