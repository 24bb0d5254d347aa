import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigurationError, type Configuration } from '@flott/core';
import { JobManagerOptions, SystemIdGenerator } from '@flott/runtime/common';
import type { ResourceManagerDriver, ResourceManagerDriverFactory } from '@flott/runtime/spi';
import { LocalProcessesDriver } from './local-processes-driver';

/** How often workers of a previous JobManager attempt are checked for being alive. */
const RECOVERED_WORKER_POLL_MS = 1_000;

/** `resourcemanager.type: local-processes`, configured from the JobManager's configuration. */
export class LocalProcessesDriverFactory implements ResourceManagerDriverFactory {
  readonly name = 'local-processes';

  create(config: Configuration): ResourceManagerDriver {
    const ids = new SystemIdGenerator();
    return new LocalProcessesDriver({
      command: taskManagerCommand(config),
      configuration: workerConfiguration(config),
      workingDirectory:
        config.get(JobManagerOptions.LOCAL_PROCESSES_WORKING_DIR) ??
        path.join(os.tmpdir(), `flott-local-workers-${os.userInfo().uid}`, String(config.get(JobManagerOptions.RPC_PORT))),
      nextId: () => `taskmanager-local-${ids.nextId().slice(0, 12)}`,
      stopTimeoutMs: config.get(JobManagerOptions.LOCAL_PROCESSES_STOP_TIMEOUT),
      pollIntervalMs: RECOVERED_WORKER_POLL_MS,
    });
  }
}

/** The JobManager's configuration for its workers, but not its log file: each worker logs to its own folder. */
function workerConfiguration(config: Configuration): Record<string, unknown> {
  const record: Record<string, unknown> = { ...config.toRecord() };
  delete record['log.file'];
  return record;
}

function taskManagerCommand(config: Configuration): string[] {
  const command = config.get(JobManagerOptions.LOCAL_PROCESSES_COMMAND);
  if (command.length === 0) {
    throw new ConfigurationError(
      `resourcemanager.type local-processes needs ${JobManagerOptions.LOCAL_PROCESSES_COMMAND.key}, the command that starts a TaskManager ` +
        '(`flott jobmanager` and `flott cluster start` set it to their own `flott taskmanager`; e.g. ["node", "/path/to/flott.js", "taskmanager"]).',
      { key: JobManagerOptions.LOCAL_PROCESSES_COMMAND.key },
    );
  }
  return command;
}
