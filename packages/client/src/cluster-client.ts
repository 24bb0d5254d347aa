import { FlottError, type Configuration } from '@flott/core';
import {
  CoreOptions,
  ProgramMissingJobError,
  type DispatcherGateway,
  type Scheduler,
  type CollectingJobClient,
  type ExecuteOptions,
  type ExecutionContext,
  type JobArtifact,
} from '@flott/runtime';
import { createJobGraph, type StreamGraph } from '@flott/runtime/internal';
import { ClusterJobClient } from './cluster-job-client';

export interface ClientContextOptions {
  readonly dispatcher: DispatcherGateway;
  readonly artifact: JobArtifact;
  readonly args: readonly string[];
  readonly configuration: Configuration;
  readonly scheduler: Scheduler;
  /** Job-level configuration shipped with the job (what the user set in the file and with -D); the program's own settings go on top. */
  readonly jobConfiguration: Record<string, unknown>;
  readonly onJobSubmitted?: (jobId: string, jobName: string) => void;
  /** Told when main returned without awaiting its execute() (the client then waits for the job). */
  readonly onWarning?: (message: string) => void;
  readonly pollIntervalMs?: number;
  /**
   * Detached (Flink's `run -d`): `execute()` returns once the job is submitted, with a result whose
   * runtime, accumulators and collected records are not available; main returning does not wait
   * for the job.
   */
  readonly detached?: boolean;
}

/**
 * Client mode (DESIGN.md §5): `executeAsync()` translates the graph, uploads the bundle, submits the
 * job and hands back its JobClient; `execute()` waits for that client's result, gathering what
 * collect sinks deliver.
 */
export function createClientExecutionContext(opts: ClientContextOptions): ExecutionContext {
  let submission: Promise<ClusterJobClient> | undefined;
  return {
    mode: 'client',
    args: opts.args,
    defaultParallelism: opts.configuration.get(CoreOptions.DEFAULT_PARALLELISM),
    configuration: opts.configuration,
    executeAsync(graph: StreamGraph, options: ExecuteOptions): Promise<CollectingJobClient> {
      if (submission) {
        return Promise.reject(new FlottError('MULTIPLE_EXECUTE', "A job's main may call execute() once: task mode rebuilds the graph of the first call."));
      }
      submission = submit(opts, graph, options);
      return submission;
    },
    async mainReturned(): Promise<void> {
      if (!submission) throw new ProgramMissingJobError();
      // A failed submission was main's to handle: executeAsync() rejected with it.
      const client = await submission.catch(() => undefined);
      if (opts.detached) return;
      await client?.awaitTermination(() =>
        opts.onWarning?.(
          "The job's main returned before its job finished: env.execute() was not awaited. Flott waits for the job; " +
            'write `await env.execute()` so that the code after it runs once the job is done.',
        ),
      );
    },
  };
}

/** Translates the graph, uploads the bundle and submits the job. */
async function submit(opts: ClientContextOptions, graph: StreamGraph, options: ExecuteOptions): Promise<ClusterJobClient> {
  const jobGraph = createJobGraph(graph, { executeIndex: 0 });
  const { dispatcher } = opts;
  await dispatcher.putBlob(opts.artifact.sha256, opts.artifact.code);
  const jobId = await dispatcher.submitJob({
    jobGraph,
    artifact: { sha256: opts.artifact.sha256, size: opts.artifact.code.byteLength },
    args: opts.args,
    // What the program set (env.enableCheckpointing, env.configure...) overrides the file and -D, as in Flink.
    configuration: { ...opts.jobConfiguration, ...graph.config.jobConfiguration },
  });
  opts.onJobSubmitted?.(jobId, jobGraph.jobName);
  const client = new ClusterJobClient({ dispatcher, jobId, execute: options, scheduler: opts.scheduler, pollIntervalMs: opts.pollIntervalMs });
  if (opts.detached) client.detach(jobGraph.jobName);
  return client;
}
