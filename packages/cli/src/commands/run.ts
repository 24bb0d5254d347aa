import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ArtifactCache,
  BlobOptions,
  bundleJob,
  createClientExecutionContext,
  MiniCluster,
  runJobMain,
  SystemScheduler,
} from '@flott/runtime';
import { createDistributionContainer, pluginModulesFor, resolveConfiguration, type CommonOptions } from '../distribution';
import { formatError } from '../errors-format';

/**
 * Samples the network statistics of every result partition while the job runs (peaks are kept by
 * the partitions themselves) and writes the last sample of each partition as JSON.
 */
function sampleNetworkStats(cluster: MiniCluster, file: string): { stop(): Promise<void> } {
  const latest: Record<string, unknown> = {};
  const sample = async () => {
    for (const slot of await cluster.taskExecutor.slotStats()) Object.assign(latest, slot.partitions);
  };
  const timer = setInterval(() => void sample(), 20);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      fs.writeFileSync(file, JSON.stringify(latest, null, 2));
    },
  };
}

/** `flott run`: bundles the job, starts the embedded MiniCluster, runs main in client mode. */
export async function runCommand(job: string, jobArgs: string[], opts: CommonOptions & { quiet?: boolean; networkStats?: string }): Promise<number> {
  const log = (line: string) => {
    if (!opts.quiet) process.stderr.write(`${line}\n`);
  };
  let cluster: MiniCluster | undefined;
  try {
    const config = resolveConfiguration(opts);
    const artifact = await bundleJob(job);
    const container = createDistributionContainer(config);
    cluster = await MiniCluster.start({ configuration: config, container, pluginModules: pluginModulesFor(config) });
    const cacheDir = config.get(BlobOptions.STORAGE_DIRECTORY) ?? path.join(os.tmpdir(), `flott-blobs-${os.userInfo().uid}`);
    const file = new ArtifactCache(cacheDir).put(artifact.sha256, artifact.code);
    const ctx = createClientExecutionContext({
      dispatcher: cluster.dispatcher,
      artifact,
      args: jobArgs,
      configuration: config,
      jobConfiguration: config.toRecord(),
      scheduler: new SystemScheduler(),
      onJobSubmitted: (jobId) => log(`Job has been submitted with JobID ${jobId}`),
    });
    const started = performance.now();
    const sampler = opts.networkStats ? sampleNetworkStats(cluster, opts.networkStats) : undefined;
    try {
      await runJobMain(file, ctx);
    } finally {
      await sampler?.stop();
    }
    log(`Program execution finished in ${Math.round(performance.now() - started)} ms`);
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  } finally {
    await cluster?.close();
  }
}
