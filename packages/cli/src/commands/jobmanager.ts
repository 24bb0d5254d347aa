import * as path from 'node:path';
import { JobManagerOptions, JobManagerProcess, TaskManagerOptions } from '@flott/runtime';
import { RestServerEndpoint, resourceManagerClusterInfo } from '@flott/rest';
import { createDistributionContainer, pluginModulesFor, type CommonOptions } from '../distribution';
import { FLOTT_BIN, runClusterProcess, writeFileAtomically } from './process-lifecycle';
import { nodeOptionsOf } from './cluster';

export interface JobManagerCommandOptions extends CommonOptions {
  /** Where to write `{ pid, rpc, rpcPort, rest, blobServer }` as JSON once the JobManager is ready (flott cluster start waits for it). */
  readonly readyFile?: string;
  /** Application mode: the job file whose main runs in this process; the cluster shuts down when its job ends. */
  readonly application?: string;
  /** Arguments for the application's main. */
  readonly applicationArgs?: readonly string[];
  /** Application mode: where to write the application's end (`ApplicationEnd` as JSON) before the cluster shuts down (flott run-application reads it). */
  readonly resultFile?: string;
}

export { FLOTT_BIN } from './process-lifecycle';

/**
 * `flott jobmanager`: a JobManager process in the foreground (Flink's jobmanager.sh start-foreground):
 * the Dispatcher, ResourceManager and JobMasters behind TCP RPC, the blob server and the REST API.
 * SIGTERM or Ctrl-C stops it (running jobs: jobmanager.shutdown.running-jobs). With `--application
 * job.ts` it is an application cluster (Flink's standalone-job.sh): the job's main runs here, and when
 * the job ended the JobManager stops, its TaskManagers too, and exits 0 for FINISHED, 1 otherwise.
 */
export function jobManagerCommand(opts: JobManagerCommandOptions): Promise<number> {
  return runClusterProcess(opts, 'jobmanager', async (config, logging) => {
    // As Flink's standalone application cluster: its job waits for TaskManagers started beside it to register.
    if (opts.application !== undefined && !config.contains(JobManagerOptions.STANDALONE_STARTUP_TIME)) {
      config.set(JobManagerOptions.STANDALONE_STARTUP_TIME, config.get(TaskManagerOptions.SLOT_REQUEST_TIMEOUT));
    }
    if (!config.contains(JobManagerOptions.LOCAL_PROCESSES_COMMAND)) {
      config.set(JobManagerOptions.LOCAL_PROCESSES_COMMAND, [process.execPath, ...nodeOptionsOf(config, 'taskmanager'), FLOTT_BIN, 'taskmanager']);
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
    // Only an application cluster needs the client and the job bundler (esbuild): loaded then, with
    // source maps on for the job's stack traces.
    if (opts.application !== undefined) process.setSourceMapsEnabled(true);
    const ended = opts.application === undefined ? undefined : (await import('../application-runner')).runApplication({
      job: opts.application,
      args: opts.applicationArgs ?? [],
      configuration: config,
      dispatcher: jobManager.dispatcher,
      say: (line) => process.stdout.write(`${line}\n`),
      sayError: (text) => process.stderr.write(text),
    }).then((end) => {
      if (opts.resultFile) writeFileAtomically(opts.resultFile, JSON.stringify(end));
      return end;
    });
    return {
      upLine: `JobManager is up: RPC ${jobManager.rpcAddress}, REST ${rest.url}, blob server ${blobServer} (pid ${process.pid})`,
      ready: { rpc: jobManager.rpcAddress, rpcPort: jobManager.rpc.port, rest: rest.url, blobServer },
      stop: async (cause) => {
        await rest.close();
        // An application cluster is the job's: when it stops, its TaskManagers go too (standalone ones are told so).
        const shutDownTaskManagers = opts.application !== undefined ? cause : undefined;
        await jobManager.close(config.get(JobManagerOptions.SHUTDOWN_RUNNING_JOBS), config.get(JobManagerOptions.SHUTDOWN_TIMEOUT), { shutDownTaskManagers });
      },
      stoppedLine: 'JobManager stopped.',
      ended,
    };
  });
}
