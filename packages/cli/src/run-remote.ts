import type { Configuration } from '@flott/core';
import { bundleJob, createClientExecutionContext, type RestClusterClient } from '@flott/client';
import { ArtifactCache, BlobOptions, defaultBlobStorageDirectory, runJobMain, SystemScheduler } from '@flott/runtime';
import { isClientOnlyKey } from './remote-cluster';

export interface RunRemoteOptions {
  readonly job: string;
  readonly args: readonly string[];
  readonly configuration: Configuration;
  readonly cluster: RestClusterClient;
  readonly detached: boolean;
  readonly onJobSubmitted?: (jobId: string) => void;
  readonly onWarning?: (message: string) => void;
}

/**
 * Runs a job's main in client mode against a running cluster's REST API (`flott run -m host:port`):
 * the bundle and the job graph go up in one submission; attached, main's execute() waits for the
 * job's result, detached (-d) it returns once the job is submitted.
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
    // A remote result is polled over HTTP: a few queries a second, not a busy loop.
    pollIntervalMs: 200,
    detached: opts.detached,
  });
  await runJobMain(file, ctx);
}
