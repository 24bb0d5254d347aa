import { createProcessLogging, TaskManagerProcess, type ProcessLogging } from '@flott/runtime';
import { createDistributionContainer, pluginModulesFor, resolveConfiguration, type CommonOptions } from '../distribution';
import { formatError } from '../errors-format';
import { runUntilSignalled, writeFileAtomically } from './process-lifecycle';

export interface TaskManagerCommandOptions extends CommonOptions {
  /** Where to write `{ pid, resourceId, rpc, data }` as JSON once registered (flott cluster start waits for it). */
  readonly readyFile?: string;
}

/**
 * `flott taskmanager`: a TaskManager process in the foreground (Flink's taskmanager.sh
 * start-foreground), registering its slots with the JobManager at jobmanager.rpc.address:port. SIGTERM
 * or Ctrl-C deregisters it and stops it.
 */
export async function taskManagerCommand(opts: TaskManagerCommandOptions): Promise<number> {
  let logging: ProcessLogging | undefined;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const config = resolveConfiguration(opts);
    logging = createProcessLogging(config, { processName: 'taskmanager' });
    const taskManager = await TaskManagerProcess.start({
      configuration: config,
      container: createDistributionContainer(config),
      pluginModules: pluginModulesFor(config),
      logging,
    });
    const te = taskManager.taskExecutor;
    say(`TaskManager ${te.resourceId} is up with ${te.numberOfSlots} slot(s): RPC ${te.address}, data ${te.dataAddress} (pid ${process.pid})`);
    if (opts.readyFile) writeFileAtomically(opts.readyFile, JSON.stringify({ pid: process.pid, resourceId: te.resourceId, rpc: te.address, data: te.dataAddress }));
    return await runUntilSignalled(async (signal) => {
      await taskManager.close(`TaskManager stopped (${signal})`);
      say('TaskManager stopped.');
    }, (line) => process.stderr.write(`${line}\n`));
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  } finally {
    await logging?.close();
  }
}
