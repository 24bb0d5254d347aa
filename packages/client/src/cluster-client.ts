import { FlottError, deserializeError, type Configuration } from '@flott/core';
import {
  CoreOptions,
  JobExecutionError,
  ProgramMissingJobError,
  JobStatus,
  isGloballyTerminal,
  type DispatcherGateway,
  type JobResultInfo,
  type Scheduler,
  type CollectingJobExecutionResult,
  type ExecuteOptions,
  type ExecutionContext,
  type JobArtifact,
} from '@flott/runtime';
import { createJobGraph, type StreamGraph } from '@flott/runtime/internal';

export interface ClientContextOptions {
  readonly dispatcher: DispatcherGateway;
  readonly artifact: JobArtifact;
  readonly args: readonly string[];
  readonly configuration: Configuration;
  readonly scheduler: Scheduler;
  /** Job-level configuration shipped with the job (what the user set in the file and with -D). */
  readonly jobConfiguration: Record<string, unknown>;
  readonly onJobSubmitted?: (jobId: string, jobName: string) => void;
  /** Told when main returned without awaiting its execute() (the client then waits for the job). */
  readonly onWarning?: (message: string) => void;
  readonly pollIntervalMs?: number;
}

const sleep = (scheduler: Scheduler, ms: number) => new Promise<void>((resolve) => scheduler.schedule(ms, resolve));

/**
 * Client mode (DESIGN.md §5): `execute()` translates the graph, uploads the bundle, submits the job
 * and waits for its result, gathering what collect sinks deliver.
 */
export function createClientExecutionContext(opts: ClientContextOptions): ExecutionContext {
  let execution: Promise<CollectingJobExecutionResult> | undefined;
  let settled = false;
  return {
    mode: 'client',
    args: opts.args,
    defaultParallelism: opts.configuration.get(CoreOptions.DEFAULT_PARALLELISM),
    configuration: opts.configuration,
    execute(graph: StreamGraph, options: ExecuteOptions): Promise<CollectingJobExecutionResult> {
      if (execution) {
        return Promise.reject(new FlottError('MULTIPLE_EXECUTE', "A job's main may call execute() once: task mode rebuilds the graph of the first call."));
      }
      execution = submitAndWait(opts, graph, options);
      execution.then(
        () => (settled = true),
        () => (settled = true),
      );
      return execution;
    },
    async mainReturned(): Promise<void> {
      if (!execution) throw new ProgramMissingJobError();
      if (settled) return;
      opts.onWarning?.(
        "The job's main returned before its job finished: env.execute() was not awaited. Flott waits for the job; " +
          'write `await env.execute()` so that the code after it runs once the job is done.',
      );
      await execution;
    },
  };
}

/** Translates the graph, uploads the bundle, submits the job and waits for its result. */
async function submitAndWait(opts: ClientContextOptions, graph: StreamGraph, options: ExecuteOptions): Promise<CollectingJobExecutionResult> {
  const jobGraph = createJobGraph(graph, { executeIndex: 0 });
  const { dispatcher } = opts;
  await dispatcher.putBlob(opts.artifact.sha256, opts.artifact.code);
  const jobId = await dispatcher.submitJob({
    jobGraph,
    artifact: { sha256: opts.artifact.sha256, size: opts.artifact.code.byteLength },
    args: opts.args,
    configuration: opts.jobConfiguration,
  });
  opts.onJobSubmitted?.(jobId, jobGraph.jobName);
  const wanted = new Set(options.collectSinkIds ?? []);
  const collected = new Map<string, unknown[]>([...wanted].map((id) => [id, []]));
  let version = 0;
  let total = 0;
  let limitReached = false;
  let interval = 2;
  const drain = async () => {
    if (wanted.size === 0) return;
    const batch = await dispatcher.pollCollected(jobId);
    if (batch.version !== version) {
      version = batch.version;
      total = 0;
      for (const list of collected.values()) list.length = 0;
    }
    for (const { sinkId, records } of batch.records) {
      const list = collected.get(sinkId);
      if (!list) continue;
      for (const r of records) {
        if (options.collectLimit !== undefined && total >= options.collectLimit) break;
        list.push(r);
        total++;
      }
    }
    if (options.collectLimit !== undefined && total >= options.collectLimit && !limitReached) {
      limitReached = true;
      await dispatcher.cancelJob(jobId);
    }
  };
  let result: JobResultInfo;
  for (;;) {
    await drain();
    result = await dispatcher.requestJobResult(jobId);
    if (isGloballyTerminal(result.status)) break;
    await sleep(opts.scheduler, interval);
    interval = Math.min(opts.pollIntervalMs ?? 50, interval * 2);
  }
  await drain();
  const finishedEnough = result.status === JobStatus.FINISHED || (limitReached && result.status === JobStatus.CANCELED);
  if (!finishedEnough) {
    const cause = result.error ? deserializeError(result.error) : undefined;
    throw new JobExecutionError(jobId, `Job '${result.jobName}' (${jobId}) ${result.status}${cause ? `: ${cause.message}` : ''}`, { cause });
  }
  return { jobId, jobName: result.jobName, netRuntimeMs: result.netRuntimeMs, accumulators: result.accumulators, collected };
}
