import type { Configuration } from '@flott/core';
import { bundleJob, createClientExecutionContext } from '@flott/client';
import { ArtifactCache, BlobOptions, defaultBlobStorageDirectory, runJobMain, SystemScheduler, type DispatcherGateway } from '@flott/runtime';
import { isClientOnlyKey } from './remote-cluster';

export interface RunRemoteOptions {
  readonly job: string;
  readonly args: readonly string[];
  readonly configuration: Configuration;
  /** The cluster's Dispatcher: its REST client (`flott run -m`), or the JobManager's own (application mode). */
  readonly cluster: DispatcherGateway;
  readonly detached: boolean;
  /** How often an attached run asks for the job's result (default: the client's). */
  readonly pollIntervalMs?: number;
  readonly onJobSubmitted?: (jobId: string) => void;
  readonly onWarning?: (message: string) => void;
}

/**
 * Runs a job's main in client mode against a running cluster's Dispatcher (`flott run -m host:port`,
 * over its REST API; or `flott jobmanager --application`, in the JobManager's process as Flink's
 * ApplicationDispatcherBootstrap): the bundle and the job graph go up in one submission; attached,
 * main's execute() waits for the job's result, detached (-d) it returns once the job is submitted.
 */
export async function runRemote(opts: RunRemoteOptions): Promise<void> {
  const { configuration: config } = opts;
  const artifact = await bundleJob(opts.job);
  const file = new ArtifactCache(defaultBlobStorageDirectory(config.get(BlobOptions.STORAGE_DIRECTORY))).put(artifact.sha256, artifact.code);
  const jobConfiguration = Object.fromEntries(Object.entries(config.toRecord()).filter(([key]) => !isClientOnlyKey(key)));
  const ctx = createClientExecutionContext({
    dispatcher: opts.cluster,
    artifact,
    args: opts.args,
    configuration: config,
    jobConfiguration,
    scheduler: new SystemScheduler(),
    onJobSubmitted: opts.onJobSubmitted,
    onWarning: opts.onWarning,
    pollIntervalMs: opts.pollIntervalMs,
    detached: opts.detached,
  });
  await runJobMain(file, ctx);
}
