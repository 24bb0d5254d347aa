import * as path from 'node:path';
import { createProcessLogging, JobManagerOptions, JobManagerProcess, type ProcessLogging } from '@flott/runtime';
import { RestServerEndpoint, resourceManagerClusterInfo } from '@flott/rest';
import { createDistributionContainer, pluginModulesFor, resolveConfiguration, type CommonOptions } from '../distribution';
import { formatError } from '../errors-format';
import { runUntilSignalled, writeFileAtomically } from './process-lifecycle';

export interface JobManagerCommandOptions extends CommonOptions {
  /** Where to write `{ pid, rpc, rest, blobServer }` as JSON once the JobManager is ready (flott cluster start waits for it). */
  readonly readyFile?: string;
}

/** This installation's `flott` binary, which `local-processes` starts TaskManagers with. */
export const FLOTT_BIN = path.resolve(__dirname, '..', '..', 'bin', 'flott.js');

/**
 * `flott jobmanager`: a JobManager process in the foreground (Flink's jobmanager.sh start-foreground):
 * the Dispatcher, ResourceManager and JobMasters behind TCP RPC, the blob server and the REST API.
 * SIGTERM or Ctrl-C stops it (running jobs: jobmanager.shutdown.running-jobs).
 */
export async function jobManagerCommand(opts: JobManagerCommandOptions): Promise<number> {
  let logging: ProcessLogging | undefined;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const config = resolveConfiguration(opts);
    if (!config.contains(JobManagerOptions.LOCAL_PROCESSES_COMMAND)) {
      config.set(JobManagerOptions.LOCAL_PROCESSES_COMMAND, [process.execPath, FLOTT_BIN, 'taskmanager']);
    }
    logging = createProcessLogging(config, { processName: 'jobmanager' });
    const jobManager = await JobManagerProcess.start({
      configuration: config,
      container: createDistributionContainer(config),
      pluginModules: pluginModulesFor(config),
      logging,
    });
    let rest: RestServerEndpoint;
    try {
      rest = await RestServerEndpoint.start({
        dispatcher: jobManager.dispatcher,
        cluster: resourceManagerClusterInfo(jobManager.resourceManager),
        configuration: config,
      });
    } catch (e) {
      await jobManager.close();
      throw e;
    }
    say(`JobManager is up: RPC ${jobManager.rpcAddress}, REST ${rest.url}, blob server ${jobManager.blobServer.address} (pid ${process.pid})`);
    if (opts.readyFile) {
      writeFileAtomically(opts.readyFile, JSON.stringify({ pid: process.pid, rpc: jobManager.rpcAddress, rpcPort: jobManager.rpc.port, rest: rest.url, blobServer: jobManager.blobServer.address }));
    }
    return await runUntilSignalled(async () => {
      await rest.close();
      await jobManager.close(config.get(JobManagerOptions.SHUTDOWN_RUNNING_JOBS), config.get(JobManagerOptions.SHUTDOWN_TIMEOUT));
      say('JobManager stopped.');
    }, (line) => process.stderr.write(`${line}\n`));
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  } finally {
    await logging?.close();
  }
}
