import type { FastifyInstance } from 'fastify';
import { HEX_ID, jobAndParams, jobParams, type JobParams, type RouteContext } from './route-context';
import { operationResult } from './checkpoint-handlers';

const path = { type: 'string', minLength: 1, maxLength: 4096 };

/** Savepoints and stop-with-savepoint (asynchronous: a trigger id, then its status). */
export function registerSavepointHandlers(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{ Params: JobParams; Body: { 'target-directory'?: string; 'cancel-job'?: boolean; triggerId?: string } | undefined }>(
    '/jobs/:jobid/savepoints',
    {
      schema: {
        params: jobParams,
        body: { type: 'object', properties: { 'target-directory': path, 'cancel-job': { type: 'boolean' }, triggerId: { type: 'string', pattern: HEX_ID }, formatType: { enum: ['CANONICAL', 'NATIVE'] } }, additionalProperties: false },
      },
    },
    async (req, reply) => {
      const { jobid } = req.params;
      await ctx.dispatcher.requestJobStatus(jobid);
      const directory = req.body?.['target-directory'];
      const cancel = req.body?.['cancel-job'] === true;
      const id = ctx.operations.start(
        'savepoint',
        jobid,
        async () => {
          const location = await ctx.dispatcher.triggerSavepoint(jobid, directory);
          // Flink's deprecated cancel-with-savepoint: the savepoint first, then the cancellation.
          if (cancel) await ctx.dispatcher.cancelJob(jobid);
          return location;
        },
        req.body?.triggerId,
      );
      return reply.status(202).send({ 'request-id': id });
    },
  );

  app.post<{ Params: JobParams; Body: { targetDirectory?: string; drain?: boolean; triggerId?: string } | undefined }>(
    '/jobs/:jobid/stop',
    {
      schema: {
        params: jobParams,
        body: { type: 'object', properties: { targetDirectory: path, drain: { type: 'boolean' }, triggerId: { type: 'string', pattern: HEX_ID }, formatType: { enum: ['CANONICAL', 'NATIVE'] } }, additionalProperties: false },
      },
    },
    async (req, reply) => {
      const { jobid } = req.params;
      await ctx.dispatcher.requestJobStatus(jobid);
      const id = ctx.operations.start('stop', jobid, () => ctx.dispatcher.stopWithSavepoint(jobid, req.body?.targetDirectory, req.body?.drain === true), req.body?.triggerId);
      return reply.status(202).send({ 'request-id': id });
    },
  );

  // As Flink, the status of a stop is queried where a savepoint's is.
  app.get<{ Params: JobParams & { triggerid: string } }>(
    '/jobs/:jobid/savepoints/:triggerid',
    { schema: { params: jobAndParams({ triggerid: { type: 'string', pattern: HEX_ID } }) } },
    async (req) => operationResult(ctx.operations.get(['savepoint', 'stop'], req.params.jobid, req.params.triggerid), (location) => ({ location })),
  );

  // Flink's savepoint disposal: asynchronous too; its results are not a job's (an empty job id).
  app.post<{ Body: { 'savepoint-path': string } }>(
    '/savepoint-disposal',
    { schema: { body: { type: 'object', required: ['savepoint-path'], properties: { 'savepoint-path': path }, additionalProperties: false } } },
    async (req) => ({ 'request-id': ctx.operations.start('dispose', '', () => ctx.dispatcher.disposeSavepoint(req.body['savepoint-path'])) }),
  );

  app.get<{ Params: { triggerid: string } }>(
    '/savepoint-disposal/:triggerid',
    { schema: { params: { type: 'object', required: ['triggerid'], properties: { triggerid: { type: 'string', pattern: HEX_ID } } } } },
    async (req) => operationResult(ctx.operations.get(['dispose'], '', req.params.triggerid), () => ({})),
  );
}
