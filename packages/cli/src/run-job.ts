import type { Container } from 'inversify';
import type { Configuration } from '@flott/core';
import { bundleJob, createClientExecutionContext } from '@flott/client';
import {
  ArtifactCache,
  BlobOptions,
  defaultBlobStorageDirectory,
  MiniCluster,
  runJobMain,
  SystemScheduler,
  type ProcessLogging,
} from '@flott/runtime';

export interface RunJobOptions {
  /** The job file (.ts or .js). */
  readonly job: string;
  readonly args?: readonly string[];
  readonly configuration: Configuration;
  /** Root container with the distribution's plugin modules. */
  readonly container: Container;
  /** Plugin packages the slot threads load (state backends). */
  readonly pluginModules: readonly string[];
  readonly onJobSubmitted?: (jobId: string) => void;
  /** Told what the user should fix but that does not stop the job (e.g. an execute() that was not awaited). */
  readonly onWarning?: (message: string) => void;
  /** Called with the running cluster (e.g. to sample statistics); awaited before the cluster closes. */
  readonly whileRunning?: (cluster: MiniCluster) => { stop(): Promise<void> };
  /** The process's logging for the cluster (see MiniClusterOptions.logging); the caller closes it. */
  readonly logging?: ProcessLogging;
}

/**
 * Runs a job's main on a fresh embedded MiniCluster in client mode (DESIGN.md §5) and closes the
 * cluster afterwards. What `flott run` does; custom distributions call it with their own container.
 */
export async function runJob(opts: RunJobOptions): Promise<void> {
  const { configuration: config } = opts;
  // The cluster first: its threads load the runtime while esbuild bundles the job and its main runs.
  const cluster = await MiniCluster.start({ configuration: config, container: opts.container, pluginModules: opts.pluginModules, logging: opts.logging, prestartThreads: true });
  try {
    const artifact = await bundleJob(opts.job);
    const cacheDir = defaultBlobStorageDirectory(config.get(BlobOptions.STORAGE_DIRECTORY));
    const file = new ArtifactCache(cacheDir).put(artifact.sha256, artifact.code);
    const ctx = createClientExecutionContext({
      dispatcher: cluster.dispatcher,
      artifact,
      args: opts.args ?? [],
      configuration: config,
      jobConfiguration: config.toRecord(),
      scheduler: new SystemScheduler(),
      onJobSubmitted: opts.onJobSubmitted,
      onWarning: opts.onWarning,
    });
    const sampler = opts.whileRunning?.(cluster);
    try {
      await runJobMain(file, ctx);
    } finally {
      await sampler?.stop();
    }
  } finally {
    await cluster.close();
  }
}
