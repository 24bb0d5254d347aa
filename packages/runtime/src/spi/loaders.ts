import type { Container } from 'inversify';
import type { Configuration, ConfigOption } from '@flott/core';
import { HighAvailabilityOptions, JobManagerOptions, RestartStrategyOptions, StateOptions } from '../config/options';
import { CheckpointStorageFactory } from './checkpoint-storage';
import { FailoverStrategyFactory } from './failover-strategy';
import { HighAvailabilityServicesFactory } from './high-availability-services';
import { SpiLoader } from './loader';
import { ResourceManagerDriverFactory } from './resource-manager-driver';
import { RestartBackoffStrategyFactory } from './restart-backoff-strategy';
import { SchedulingStrategyFactory } from './scheduling-strategy';
import { StateBackendFactory } from './state-backend';

// The factory interfaces carry no aliases except the restart strategy's; SpiLoader's optional
// `aliases` field still type-checks for all of them structurally.
function load<F extends { readonly name: string; readonly aliases?: readonly string[] }>(
  container: Container,
  config: Configuration,
  token: symbol,
  spi: string,
  option: ConfigOption<string>,
): F {
  return SpiLoader.fromContainer<F>(container, token, spi, option.key).load(config.get(option));
}

/** `jobmanager.scheduler` → the bound SchedulingStrategyFactory of that name. */
export function loadSchedulingStrategyFactory(container: Container, config: Configuration): SchedulingStrategyFactory {
  return load<SchedulingStrategyFactory>(container, config, SchedulingStrategyFactory, 'scheduling strategy', JobManagerOptions.SCHEDULER);
}

/** `jobmanager.execution.failover-strategy` → the bound FailoverStrategyFactory of that name. */
export function loadFailoverStrategyFactory(container: Container, config: Configuration): FailoverStrategyFactory {
  return load<FailoverStrategyFactory>(container, config, FailoverStrategyFactory, 'failover strategy', JobManagerOptions.FAILOVER_STRATEGY);
}

/** The restart strategy a job gets, and why when `restart-strategy.type` did not name it. */
export interface RestartStrategyChoice {
  readonly factory: RestartBackoffStrategyFactory;
  /** Set when the option is unset: "the default when checkpointing is disabled", for the job's failure message. */
  readonly defaultReason?: string;
}

/**
 * `restart-strategy.type` → the bound RestartBackoffStrategyFactory of that name or alias. The option
 * has no default; unset, Flink's rule picks (RestartBackoffTimeStrategyFactoryLoader): `none` when
 * the job does not checkpoint, so a deterministic failure fails it at once, and `exponential-delay`
 * when it does. `config` is the job's configuration layered over the cluster's, so a type set for the
 * job wins over the cluster's, which wins over the default.
 */
export function chooseRestartBackoffStrategyFactory(
  container: Container,
  config: Configuration,
  checkpointingEnabled: boolean,
): RestartStrategyChoice {
  const key = RestartStrategyOptions.TYPE.key;
  const loader = SpiLoader.fromContainer<RestartBackoffStrategyFactory>(container, RestartBackoffStrategyFactory, 'restart strategy', key);
  const configured = config.get(RestartStrategyOptions.TYPE);
  if (configured !== undefined) return { factory: loader.load(configured) };
  return checkpointingEnabled
    ? { factory: loader.load('exponential-delay'), defaultReason: 'the default when checkpointing is enabled' }
    : { factory: loader.load('none'), defaultReason: 'the default when checkpointing is disabled' };
}

/** The factory {@link chooseRestartBackoffStrategyFactory} picks. */
export function loadRestartBackoffStrategyFactory(
  container: Container,
  config: Configuration,
  checkpointingEnabled: boolean,
): RestartBackoffStrategyFactory {
  return chooseRestartBackoffStrategyFactory(container, config, checkpointingEnabled).factory;
}

/** `state.backend.type` → the bound StateBackendFactory of that name. */
export function loadStateBackendFactory(container: Container, config: Configuration): StateBackendFactory {
  return load<StateBackendFactory>(container, config, StateBackendFactory, 'state backend', StateOptions.STATE_BACKEND);
}

/** `execution.checkpointing.storage` → the bound CheckpointStorageFactory of that name. */
export function loadCheckpointStorageFactory(container: Container, config: Configuration): CheckpointStorageFactory {
  return load<CheckpointStorageFactory>(container, config, CheckpointStorageFactory, 'checkpoint storage', StateOptions.CHECKPOINT_STORAGE);
}

/** `high-availability.type` → the bound HighAvailabilityServicesFactory of that name. */
export function loadHighAvailabilityServicesFactory(container: Container, config: Configuration): HighAvailabilityServicesFactory {
  return load<HighAvailabilityServicesFactory>(
    container, config, HighAvailabilityServicesFactory, 'high-availability services', HighAvailabilityOptions.TYPE,
  );
}

/** `resourcemanager.type` → the bound ResourceManagerDriverFactory of that name. */
export function loadResourceManagerDriverFactory(container: Container, config: Configuration): ResourceManagerDriverFactory {
  return load<ResourceManagerDriverFactory>(
    container, config, ResourceManagerDriverFactory, 'resource manager driver', JobManagerOptions.RESOURCE_MANAGER_TYPE,
  );
}
