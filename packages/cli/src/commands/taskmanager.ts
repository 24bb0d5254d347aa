import { TaskManagerProcess } from '@flott/runtime';
import { createDistributionContainer, pluginModulesFor, type CommonOptions } from '../distribution';
import { runClusterProcess } from './process-lifecycle';

export interface TaskManagerCommandOptions extends CommonOptions {
  /** Where to write `{ pid, resourceId, rpc, data }` as JSON once registered (flott cluster start waits for it). */
  readonly readyFile?: string;
}

/**
 * `flott taskmanager`: a TaskManager process in the foreground (Flink's taskmanager.sh
 * start-foreground), registering its slots with the JobManager at jobmanager.rpc.address:port. SIGTERM
 * or Ctrl-C deregisters it and stops it.
 */
export function taskManagerCommand(opts: TaskManagerCommandOptions): Promise<number> {
  return runClusterProcess(opts, 'taskmanager', async (config, logging) => {
    const taskManager = await TaskManagerProcess.start({
      configuration: config,
      container: createDistributionContainer(config),
      pluginModules: pluginModulesFor(config),
      logging,
    });
    const te = taskManager.taskExecutor;
    let shutDown = false;
    return {
      upLine: `TaskManager ${te.resourceId} is up with ${te.numberOfSlots} slot(s): RPC ${te.address}, data ${te.dataAddress} (pid ${process.pid})`,
      ready: { resourceId: te.resourceId, rpc: te.address, data: te.dataAddress },
      stop: (cause) => taskManager.close(`TaskManager stopped (${cause})`, { deregister: !shutDown }),
      stoppedLine: 'TaskManager stopped.',
      // An application cluster whose job ended tells its TaskManagers to go: this one exits 0 then.
      ended: taskManager.clusterShutdown.then((reason) => {
        shutDown = true;
        return { cause: `The JobManager shut the cluster down (${reason})`, code: 0 };
      }),
    };
  });
}
