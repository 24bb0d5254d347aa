import type { Container } from 'inversify';
import { ConfigurationError, UnknownImplementationError, type Configuration } from '@flott/core';
import { JobManagerOptions } from '../config/options';
import { SPI_CHOICES, spiLoader, type SpiChoice } from './loaders';

/** The implementation-name options a JobManager resolves through its container (the resource manager driver is checked by mode). */
export const IMPLEMENTATION_CHOICES: readonly SpiChoice[] = [
  SPI_CHOICES.scheduler,
  SPI_CHOICES.failover,
  SPI_CHOICES.restart,
  SPI_CHOICES.stateBackend,
  SPI_CHOICES.checkpointStorage,
  SPI_CHOICES.highAvailability,
];

/** `resourcemanager.type` without a driver: TaskManagers register themselves (Flink's StandaloneResourceManager). */
export const STANDALONE_RESOURCE_MANAGER = 'standalone';

/** The resource manager of the embedded MiniCluster: its own TaskManager registers as a standalone one would. */
export const LOCAL_RESOURCE_MANAGER_TYPES: readonly string[] = [STANDALONE_RESOURCE_MANAGER];

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
  for (const choice of IMPLEMENTATION_CHOICES) {
    const name = config.get(choice.option);
    if (name === undefined) continue;
    try {
      spiLoader(container, choice).load(name);
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
