import type { FastifyInstance } from 'fastify';
import { BackPressureSampler } from '../back-pressure';
import { vertexDetails } from '../flink-json';
import { RestHandlerError } from '../rest-errors';
import { HEX_ID, jobAndParams, runningTaskRecords, type RouteContext } from './route-context';

type VertexParams = { jobid: string; vertexid: string };
const vertexParams = jobAndParams({ vertexid: { type: 'string', pattern: HEX_ID } });

/** /jobs/:jobid/vertices/:vertexid and what Flott measures of it so far. */
export function registerVertexHandlers(app: FastifyInstance, ctx: RouteContext): void {
  const now = () => ctx.clock.currentTimeMillis();
  const vertex = async (p: VertexParams) => {
    const info = await ctx.dispatcher.requestExecutionGraphInfo(p.jobid);
    const details = vertexDetails(info, p.vertexid, now(), await runningTaskRecords(ctx, info));
    if (!details) throw new RestHandlerError(404, `Job ${p.jobid} has no vertex ${p.vertexid}`);
    return { info, details };
  };

  app.get<{ Params: VertexParams }>('/jobs/:jobid/vertices/:vertexid', { schema: { params: vertexParams } }, async (req) => (await vertex(req.params)).details);

  // User accumulators reach the JobMaster with a task's FINISHED report and are merged per job, so
  // per subtask there is nothing to show yet; the job's merged values are in /flott/jobs/:jobid/result.
  app.get<{ Params: VertexParams }>('/jobs/:jobid/vertices/:vertexid/subtasks/accumulators', { schema: { params: vertexParams } }, async (req) => {
    const { details } = await vertex(req.params);
    const subtasks = details.subtasks as Array<{ subtask: number; attempt: number; host: string }>;
    return { id: details.id, parallelism: details.parallelism, subtasks: subtasks.map((s) => ({ subtask: s.subtask, attempt: s.attempt, host: s.host, 'user-accumulators': [] })) };
  });

  // From the tasks' busy / idle / back-pressured time where the cluster samples it (see ClusterInfoGateway#taskTimes).
  const sampler = new BackPressureSampler();
  app.get<{ Params: VertexParams }>('/jobs/:jobid/vertices/:vertexid/backpressure', { schema: { params: vertexParams } }, async (req) => {
    const { info } = await vertex(req.params);
    const samples = (await ctx.cluster?.taskTimes?.()) ?? {};
    return sampler.answer(info.subtasks[req.params.vertexid] ?? [], samples, now());
  });

  // Flink's metric list: `<subtask>.currentInputWatermark` per running subtask the cluster samples, in
  // milliseconds as a string (Long.MIN_VALUE for "none yet", as Flink shows it).
  app.get<{ Params: VertexParams }>('/jobs/:jobid/vertices/:vertexid/watermarks', { schema: { params: vertexParams } }, async (req) => {
    const { info } = await vertex(req.params);
    const watermarks = (await ctx.cluster?.taskWatermarks?.()) ?? {};
    return (info.subtasks[req.params.vertexid] ?? []).flatMap((attempt, subtask) => {
      const wm = watermarks[attempt.attemptId];
      if (wm === undefined) return [];
      return [{ id: `${subtask}.currentInputWatermark`, value: Number.isFinite(wm) ? String(wm) : wm > 0 ? '9223372036854775807' : '-9223372036854775808' }];
    });
  });
}
