import * as path from 'node:path';
import type { Configuration } from '@flott/core';
import { DeploymentOptions, type DispatcherGateway } from '@flott/runtime';
import { formatError } from './errors-format';
import { runRemote } from './run-remote';

/** How an application ended: what the JobManager says, and the code its process exits with. */
export interface ApplicationEnd {
  readonly cause: string;
  readonly code: number;
  /** Its job (none when main failed before it submitted one) and the job's final state. */
  readonly jobId?: string;
  readonly status?: string;
  /** The error, as printed (main's, or the job's failure). */
  readonly error?: string;
}

export interface ApplicationOptions {
  /** The job file; relative to the working directory of the process. */
  readonly job: string;
  readonly args: readonly string[];
  readonly configuration: Configuration;
  /** The JobManager's own Dispatcher. */
  readonly dispatcher: DispatcherGateway;
  /** Lines for the process's output (stdout), and the job's error (stderr). */
  readonly say: (line: string) => void;
  readonly sayError: (text: string) => void;
}

/**
 * Application mode (Flink's ApplicationDispatcherBootstrap): the job's main runs in the JobManager's
 * process against its own Dispatcher, as a client's would (bundled, the bundle in the blob store, then
 * submitted) and waits for the job's end. Resolves when the application is over: exit code 0 when
 * its job FINISHED; 1 when the job ended otherwise or main failed (before submitting too), the error
 * printed. With execution.shutdown-on-application-finish false it never resolves: the cluster stays up.
 */
export function runApplication(opts: ApplicationOptions): Promise<ApplicationEnd> {
  let jobId: string | undefined;
  const job = path.resolve(opts.job);
  const ended = runRemote({
    job,
    args: opts.args,
    configuration: opts.configuration,
    cluster: opts.dispatcher,
    detached: false,
    onJobSubmitted: (id) => {
      jobId = id;
      opts.say(`Application ${job}: job ${id} has been submitted.`);
    },
    onWarning: (message) => opts.sayError(`Warning: ${message}\n`),
  }).then(
    (): ApplicationEnd => ({ cause: `Application finished: job ${jobId ?? '(none)'} FINISHED`, code: 0, jobId, status: 'FINISHED' }),
    async (e: unknown): Promise<ApplicationEnd> => {
      const error = formatError(e);
      opts.sayError(`${error}\n`);
      if (jobId === undefined) return { cause: `Application failed: the main of ${job} failed before it submitted a job`, code: 1, error };
      const status = await opts.dispatcher.requestJobResult(jobId).then((r) => r.status, () => 'FAILED');
      return { cause: `Application failed: job ${jobId} ${status}`, code: 1, jobId, status, error };
    },
  );
  if (opts.configuration.get(DeploymentOptions.SHUTDOWN_ON_APPLICATION_FINISH)) return ended;
  return ended.then((end) => {
    opts.say(`${end.cause}; the cluster keeps running (execution.shutdown-on-application-finish: false).`);
    return new Promise<never>(() => undefined);
  });
}
