import type { Container } from 'inversify';
import { ConfigurationError, UnknownImplementationError, type ConfigOption, type Configuration } from '@flott/core';
import { HighAvailabilityOptions, JobManagerOptions, RestartStrategyOptions, StateOptions } from '../config/options';
import { CheckpointStorageFactory } from './checkpoint-storage';
import { FailoverStrategyFactory } from './failover-strategy';
import { HighAvailabilityServicesFactory } from './high-availability-services';
import { SpiLoader } from './loader';
import { RestartBackoffStrategyFactory } from './restart-backoff-strategy';
import { SchedulingStrategyFactory } from './scheduling-strategy';
import { StateBackendFactory } from './state-backend';

/** The implementation-name options a JobManager resolves through the container, with the SPI each picks from. */
export const IMPLEMENTATION_CHOICES: ReadonlyArray<{ readonly option: ConfigOption<string | undefined>; readonly token: symbol; readonly spi: string }> = [
  { option: JobManagerOptions.SCHEDULER, token: SchedulingStrategyFactory, spi: 'scheduling strategy' },
  { option: JobManagerOptions.FAILOVER_STRATEGY, token: FailoverStrategyFactory, spi: 'failover strategy' },
  { option: RestartStrategyOptions.TYPE, token: RestartBackoffStrategyFactory, spi: 'restart strategy' },
  { option: StateOptions.STATE_BACKEND, token: StateBackendFactory, spi: 'state backend' },
  { option: StateOptions.CHECKPOINT_STORAGE, token: CheckpointStorageFactory, spi: 'checkpoint storage' },
  { option: HighAvailabilityOptions.TYPE, token: HighAvailabilityServicesFactory, spi: 'high-availability services' },
];

/** The resource manager of the embedded MiniCluster: its own TaskManager registers as a standalone one would. */
export const LOCAL_RESOURCE_MANAGER_TYPES: readonly string[] = ['standalone'];

/**
 * Fails, before anything runs, when `config` names an implementation this distribution does not
 * have (e.g. `state.backend.type: lmdb` without an lmdb plugin), so a job never runs silently as
 * something else. Every such option is checked and all problems are reported together, each with
 * the names that are known. `local` mode also refuses a `resourcemanager.type` other than the
 * embedded cluster's. Called at cluster start with the cluster's configuration and at job
 * submission with the job's configuration over it.
 */
export function checkImplementationChoices(container: Container, config: Configuration, mode: 'local' | 'cluster'): void {
  const problems: UnknownImplementationError[] = [];
  for (const { option, token, spi } of IMPLEMENTATION_CHOICES) {
    const name = config.get(option);
    if (name === undefined) continue;
    try {
      SpiLoader.fromContainer(container, token, spi, option.key).load(name);
    } catch (e) {
      if (!(e instanceof UnknownImplementationError)) throw e;
      problems.push(e);
    }
  }
  const rmType = config.get(JobManagerOptions.RESOURCE_MANAGER_TYPE);
  if (mode === 'local' && !LOCAL_RESOURCE_MANAGER_TYPES.includes(rmType)) {
    problems.push(
      new UnknownImplementationError('resource manager for local mode (the embedded MiniCluster runs its own TaskManager)', JobManagerOptions.RESOURCE_MANAGER_TYPE.key, rmType, LOCAL_RESOURCE_MANAGER_TYPES),
    );
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new ConfigurationError(`Invalid configuration (${problems.length} problems):\n${problems.map((p) => `  - ${p.message}`).join('\n')}`, {
      problems: problems.map((p) => p.data),
    });
  }
}
