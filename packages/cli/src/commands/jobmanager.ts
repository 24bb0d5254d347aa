import * as path from 'node:path';
import { JobManagerOptions, JobManagerProcess } from '@flott/runtime';
import { RestServerEndpoint, resourceManagerClusterInfo } from '@flott/rest';
import { createDistributionContainer, pluginModulesFor, type CommonOptions } from '../distribution';
import { runClusterProcess } from './process-lifecycle';

export interface JobManagerCommandOptions extends CommonOptions {
  /** Where to write `{ pid, rpc, rpcPort, rest, blobServer }` as JSON once the JobManager is ready (flott cluster start waits for it). */
  readonly readyFile?: string;
}

/** This installation's `flott` binary, which `local-processes` starts TaskManagers with. */
export const FLOTT_BIN = path.resolve(__dirname, '..', '..', 'bin', 'flott.js');

/**
 * `flott jobmanager`: a JobManager process in the foreground (Flink's jobmanager.sh start-foreground):
 * the Dispatcher, ResourceManager and JobMasters behind TCP RPC, the blob server and the REST API.
 * SIGTERM or Ctrl-C stops it (running jobs: jobmanager.shutdown.running-jobs).
 */
export function jobManagerCommand(opts: JobManagerCommandOptions): Promise<number> {
  return runClusterProcess(opts, 'jobmanager', async (config, logging) => {
    if (!config.contains(JobManagerOptions.LOCAL_PROCESSES_COMMAND)) {
      config.set(JobManagerOptions.LOCAL_PROCESSES_COMMAND, [process.execPath, FLOTT_BIN, 'taskmanager']);
    }
    const jobManager = await JobManagerProcess.start({
      configuration: config,
      container: createDistributionContainer(config),
      pluginModules: pluginModulesFor(config),
      logging,
    });
    let rest: RestServerEndpoint;
    try {
      rest = await RestServerEndpoint.start({ dispatcher: jobManager.dispatcher, cluster: resourceManagerClusterInfo(jobManager.resourceManager, config), configuration: config });
    } catch (e) {
      await jobManager.close();
      throw e;
    }
    const blobServer = jobManager.blobServer.address;
    return {
      upLine: `JobManager is up: RPC ${jobManager.rpcAddress}, REST ${rest.url}, blob server ${blobServer} (pid ${process.pid})`,
      ready: { rpc: jobManager.rpcAddress, rpcPort: jobManager.rpc.port, rest: rest.url, blobServer },
      stop: async () => {
        await rest.close();
        await jobManager.close(config.get(JobManagerOptions.SHUTDOWN_RUNNING_JOBS), config.get(JobManagerOptions.SHUTDOWN_TIMEOUT));
      },
      stoppedLine: 'JobManager stopped.',
    };
  });
}
