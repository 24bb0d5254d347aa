import type { FastifyInstance } from 'fastify';
import { isGloballyTerminal, JobStatus } from '@flott/runtime';
import { jobConfig, jobDetails, jobExceptions, jobOverviewEntry, jobPlan } from '../flink-json';
import { RestHandlerError } from '../rest-errors';
import { jobParams, runningTaskRecords, type JobParams, type RouteContext } from './route-context';

/** /jobs, /jobs/overview, /jobs/:jobid (GET and PATCH), its plan, exceptions, config, status and result. */
export function registerJobHandlers(app: FastifyInstance, ctx: RouteContext): void {
  const now = () => ctx.clock.currentTimeMillis();
  const info = (jobId: string) => ctx.dispatcher.requestExecutionGraphInfo(jobId);

  app.get('/jobs', async () => ({ jobs: (await ctx.dispatcher.listJobs()).map((j) => ({ id: j.jobId, status: j.status })) }));

  app.get('/jobs/overview', async () => {
    const jobs = await ctx.dispatcher.listJobs();
    const details = await Promise.all(jobs.map((j) => ctx.dispatcher.requestJobDetails(j.jobId).catch(() => undefined)));
    return { jobs: details.filter((d) => d !== undefined).map((d) => jobOverviewEntry(d, now())) };
  });

  app.get<{ Params: JobParams }>('/jobs/:jobid', { schema: { params: jobParams } }, async (req) => {
    const graph = await info(req.params.jobid);
    return jobDetails(graph, now(), await runningTaskRecords(ctx, graph));
  });

  // Flink 1.17's lightweight status query; the REST client polls it.
  app.get<{ Params: JobParams }>('/jobs/:jobid/status', { schema: { params: jobParams } }, async (req) => ({ status: await ctx.dispatcher.requestJobStatus(req.params.jobid) }));

  app.patch<{ Params: JobParams; Querystring: { mode?: string } }>(
    '/jobs/:jobid',
    { schema: { params: jobParams, querystring: { type: 'object', properties: { mode: { type: 'string', enum: ['cancel', 'CANCEL', 'stop', 'STOP'] } }, additionalProperties: false } } },
    async (req, reply) => {
      if (req.query.mode?.toLowerCase() === 'stop') throw new RestHandlerError(400, "mode=stop is not supported; stop a job with POST /jobs/:jobid/stop (stop-with-savepoint)");
      const status = await ctx.dispatcher.requestJobStatus(req.params.jobid);
      // As Flink: canceling an ended job is a conflict, not a success.
      if (isGloballyTerminal(status)) throw new RestHandlerError(409, `Job ${req.params.jobid} is already ${status}`);
      await ctx.dispatcher.cancelJob(req.params.jobid);
      return reply.status(202).send({});
    },
  );

  app.get<{ Params: JobParams }>('/jobs/:jobid/plan', { schema: { params: jobParams } }, async (req) => ({ plan: jobPlan((await info(req.params.jobid)).jobGraph) }));

  app.get<{ Params: JobParams; Querystring: { maxExceptions?: string } }>(
    '/jobs/:jobid/exceptions',
    { schema: { params: jobParams, querystring: { type: 'object', properties: { maxExceptions: { type: 'string', pattern: '^[0-9]{1,6}$' } } } } },
    async (req) => jobExceptions(await info(req.params.jobid), req.query.maxExceptions !== undefined ? Number(req.query.maxExceptions) : 20),
  );

  app.get<{ Params: JobParams }>('/jobs/:jobid/config', { schema: { params: jobParams } }, async (req) => jobConfig(await info(req.params.jobid)));

  // Flink's JobExecutionResultHandler: IN_PROGRESS until the job ended.
  app.get<{ Params: JobParams }>('/jobs/:jobid/execution-result', { schema: { params: jobParams } }, async (req) => {
    const r = await ctx.dispatcher.requestJobResult(req.params.jobid);
    if (!isGloballyTerminal(r.status)) return { status: { id: 'IN_PROGRESS' } };
    const applicationStatus = r.status === JobStatus.FINISHED ? 'SUCCEEDED' : r.status === JobStatus.CANCELED ? 'CANCELED' : r.status === JobStatus.FAILED ? 'FAILED' : 'UNKNOWN';
    return {
      status: { id: 'COMPLETED' },
      'job-execution-result': {
        id: r.jobId,
        'application-status': applicationStatus,
        'accumulator-results': {},
        'net-runtime': r.netRuntimeMs,
        ...(r.error ? { 'failure-cause': { class: r.error.name, 'stack-trace': r.error.stack ?? r.error.message } } : {}),
      },
    };
  });

  // Flott's own: the result as the client needs it (status, accumulators as JSON, the typed error).
  app.get<{ Params: JobParams }>('/flott/jobs/:jobid/result', { schema: { params: jobParams } }, async (req) => ctx.dispatcher.requestJobResult(req.params.jobid));

  // Flott's own: everything the Dispatcher knows of the job, as DispatcherGateway#requestExecutionGraphInfo answers it.
  app.get<{ Params: JobParams }>('/flott/jobs/:jobid/info', { schema: { params: jobParams } }, async (req) => info(req.params.jobid));

  // Flott's own: what the job's collect sinks delivered since the last call (executeAndCollect over REST). A POST: it takes the records.
  app.post<{ Params: JobParams }>('/flott/jobs/:jobid/collect', { schema: { params: jobParams } }, async (req) => ctx.dispatcher.pollCollected(req.params.jobid));
}
