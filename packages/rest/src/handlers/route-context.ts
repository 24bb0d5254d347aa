import type { Clock, Configuration } from '@flott/core';
import { isGloballyTerminal, type DispatcherGateway, type ExecutionGraphInfo, type TaskRecordCounts } from '@flott/runtime';
import type { AsyncOperations } from '../async-operations';
import type { ClusterInfoGateway } from '../cluster-info';

/** What every handler works with; one per endpoint. */
export interface RouteContext {
  readonly dispatcher: DispatcherGateway;
  readonly cluster?: ClusterInfoGateway;
  readonly configuration: Configuration;
  readonly clock: Clock;
  readonly operations: AsyncOperations;
  /** Largest request body (rest.server.max-content-length). */
  readonly maxContentLength: number;
}

/** Job, vertex, trigger and resource ids: 32 lower-case hex digits, as Flink's. Anything else is a 400, before a handler runs. */
export const HEX_ID = '^[0-9a-f]{32}$';

/** A TaskManager's resource id: Flott's (and Flink's) are names, not hex; no path separators. */
export const RESOURCE_ID = '^[A-Za-z0-9._:-]{1,128}$';

export const jobParams = {
  type: 'object',
  required: ['jobid'],
  properties: { jobid: { type: 'string', pattern: HEX_ID } },
} as const;

export const jobAndParams = (extra: Record<string, Record<string, unknown>>) => ({
  type: 'object',
  required: ['jobid', ...Object.keys(extra)],
  properties: { jobid: { type: 'string', pattern: HEX_ID }, ...extra },
});

export interface JobParams {
  readonly jobid: string;
}

/** The records the tasks of a job that still runs read and wrote, where the cluster reports them; none for an ended job (its tasks are gone). */
export async function runningTaskRecords(ctx: RouteContext, info: ExecutionGraphInfo): Promise<Record<string, TaskRecordCounts>> {
  if (isGloballyTerminal(info.status) || !ctx.cluster?.taskRecords) return {};
  return ctx.cluster.taskRecords();
}
