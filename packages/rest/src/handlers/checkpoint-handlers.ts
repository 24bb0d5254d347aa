import type { FastifyInstance } from 'fastify';
import { checkpointConfig, checkpointingStatistics, checkpointStatistics } from '../flink-json';
import { failureCause, RestHandlerError } from '../rest-errors';
import type { AsyncOperationResult } from '../async-operations';
import { HEX_ID, jobAndParams, jobParams, type JobParams, type RouteContext } from './route-context';

/** Flink's AsynchronousOperationResult for a trigger's status query. */
export function operationResult(r: AsyncOperationResult, completed: (value: unknown) => Record<string, unknown>): Record<string, unknown> {
  if (r.status === 'IN_PROGRESS') return { status: { id: 'IN_PROGRESS' } };
  return { status: { id: 'COMPLETED' }, operation: r.status === 'COMPLETED' ? completed(r.value) : { 'failure-cause': failureCause(r.error) } };
}

const triggerBody = (props: Record<string, unknown>) => ({
  type: 'object',
  properties: { ...props, triggerId: { type: 'string', pattern: HEX_ID } },
  // As Flink's strict request mapper: a field the endpoint does not know is a mistake, not something to ignore.
  additionalProperties: false,
});

/** /jobs/:jobid/checkpoints: statistics, configuration, one checkpoint's details, and the manual trigger (Flink 1.19). */
export function registerCheckpointHandlers(app: FastifyInstance, ctx: RouteContext): void {
  const info = (jobId: string) => ctx.dispatcher.requestExecutionGraphInfo(jobId);

  app.get<{ Params: JobParams }>('/jobs/:jobid/checkpoints', { schema: { params: jobParams } }, async (req) => checkpointingStatistics(await info(req.params.jobid)));

  app.get<{ Params: JobParams }>('/jobs/:jobid/checkpoints/config', { schema: { params: jobParams } }, async (req) => checkpointConfig(await info(req.params.jobid)));

  app.get<{ Params: JobParams & { checkpointid: number } }>(
    '/jobs/:jobid/checkpoints/details/:checkpointid',
    { schema: { params: jobAndParams({ checkpointid: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } }) } },
    async (req) => {
      const c = (await info(req.params.jobid)).checkpoints?.history.find((h) => h.id === req.params.checkpointid);
      if (!c) throw new RestHandlerError(404, `Checkpoint ${req.params.checkpointid} of job ${req.params.jobid} is not in its statistics (unknown, or older than web.checkpoints.history)`);
      return checkpointStatistics(c);
    },
  );

  app.post<{ Params: JobParams; Body: { checkpointType?: string; triggerId?: string } | undefined }>(
    '/jobs/:jobid/checkpoints',
    { schema: { params: jobParams, body: triggerBody({ checkpointType: { type: 'string', enum: ['CONFIGURED', 'FULL', 'INCREMENTAL'] } }) } },
    async (req, reply) => {
      const { jobid } = req.params;
      await ctx.dispatcher.requestJobStatus(jobid); // 404 for an unknown job, now rather than in the operation
      const full = req.body?.checkpointType === 'FULL';
      const id = ctx.operations.start('checkpoint', jobid, () => ctx.dispatcher.triggerCheckpoint(jobid, full), req.body?.triggerId);
      return reply.status(202).send({ 'request-id': id });
    },
  );

  app.get<{ Params: JobParams & { triggerid: string } }>(
    '/jobs/:jobid/checkpoints/:triggerid',
    { schema: { params: jobAndParams({ triggerid: { type: 'string', pattern: HEX_ID } }) } },
    async (req) => operationResult(ctx.operations.get(['checkpoint'], req.params.jobid, req.params.triggerid), (checkpointId) => ({ checkpointId })),
  );
}
