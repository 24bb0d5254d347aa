import { ConfigurationError, type Configuration } from '@flott/core';
// The runtime's light entry point: `flott cluster start|stop` and `flott run`'s early threads resolve their configuration
// without loading the runtime's roles.
import { CoreOptions, DeploymentOptions, StateRecoveryOptions, TaskManagerOptions, loadConfiguration } from '@flott/runtime/common';

export interface CommonOptions {
  readonly config?: string;
  readonly D?: string[];
  readonly parallelism?: string;
  /** `flott run -s`: the savepoint to start from. */
  readonly fromSavepoint?: string;
  /** `flott run -n`. */
  readonly allowNonRestoredState?: boolean;
}

/** The configuration of a command: the config file (--config or FLOTT_CONF_DIR), -D, -p, -s and -n. */
export function resolveConfiguration(opts: CommonOptions): Configuration {
  const flags: Array<{ flag: string; key: string; value: string }> = [];
  if (opts.parallelism !== undefined) flags.push({ flag: '-p', key: CoreOptions.DEFAULT_PARALLELISM.key, value: opts.parallelism });
  if (opts.fromSavepoint !== undefined) flags.push({ flag: '-s', key: StateRecoveryOptions.SAVEPOINT_PATH.key, value: opts.fromSavepoint });
  if (opts.allowNonRestoredState) flags.push({ flag: '-n', key: StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE.key, value: 'true' });
  return loadConfiguration({ configDir: opts.config, dynamicProperties: opts.D ?? [], commandLineOptions: flags, env: process.env });
}

export interface RemoteOptions extends CommonOptions {
  /** `-m host:port`: the cluster's REST endpoint. */
  readonly jobmanager?: string;
  /** `-t local|remote` (execution.target). */
  readonly target?: string;
}

/** Whether `flott run` submits to a running cluster: -m, -t remote or execution.target: remote. */
export function runsRemotely(opts: RemoteOptions, config: Configuration): boolean {
  const target = opts.target ?? config.get(DeploymentOptions.TARGET) ?? 'local';
  if (target !== 'local' && target !== 'remote') {
    throw new ConfigurationError(`Unknown execution target '${target}' (-t / execution.target). Known: local, remote`, { key: 'execution.target' });
  }
  return opts.jobmanager !== undefined || target === 'remote';
}

/**
 * The slots of `flott run`'s embedded cluster: taskmanager.numberOfTaskSlots where configured, else as many as
 * the default parallelism (as Flink's local environment sizes its MiniCluster to the job: `-p 4` runs without
 * `-D taskmanager.numberOfTaskSlots=4`).
 */
export function localClusterSlots(config: Configuration): number {
  return config.contains(TaskManagerOptions.NUM_TASK_SLOTS) ? config.get(TaskManagerOptions.NUM_TASK_SLOTS) : Math.max(1, config.get(CoreOptions.DEFAULT_PARALLELISM));
}
