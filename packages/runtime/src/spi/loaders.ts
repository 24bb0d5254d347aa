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

/** An implementation-name option: its key, the token its factories are bound to, and the SPI's name in errors. */
export interface SpiChoice {
  readonly option: ConfigOption<string | undefined>;
  readonly token: symbol;
  readonly spi: string;
}

/** Every SPI chosen by name from configuration (DESIGN.md §2): the one table the loaders and the start-up check use. */
export const SPI_CHOICES = {
  scheduler: { option: JobManagerOptions.SCHEDULER, token: SchedulingStrategyFactory, spi: 'scheduling strategy' },
  failover: { option: JobManagerOptions.FAILOVER_STRATEGY, token: FailoverStrategyFactory, spi: 'failover strategy' },
  restart: { option: RestartStrategyOptions.TYPE, token: RestartBackoffStrategyFactory, spi: 'restart strategy' },
  stateBackend: { option: StateOptions.STATE_BACKEND, token: StateBackendFactory, spi: 'state backend' },
  checkpointStorage: { option: StateOptions.CHECKPOINT_STORAGE, token: CheckpointStorageFactory, spi: 'checkpoint storage' },
  highAvailability: { option: HighAvailabilityOptions.TYPE, token: HighAvailabilityServicesFactory, spi: 'high-availability services' },
  resourceManagerDriver: { option: JobManagerOptions.RESOURCE_MANAGER_TYPE, token: ResourceManagerDriverFactory, spi: 'resource manager driver' },
} as const satisfies Record<string, SpiChoice>;

/** The loader of one SPI, over the factories plugin modules bound in `container`. */
export function spiLoader<F extends { readonly name: string; readonly aliases?: readonly string[] }>(container: Container, choice: SpiChoice): SpiLoader<F> {
  return SpiLoader.fromContainer<F>(container, choice.token, choice.spi, choice.option.key);
}

// The factory interfaces carry no aliases except the restart strategy's; SpiLoader's optional
// `aliases` field still type-checks for all of them structurally.
function load<F extends { readonly name: string; readonly aliases?: readonly string[] }>(
  container: Container,
  config: Configuration,
  choice: SpiChoice & { readonly option: ConfigOption<string> },
): F {
  return spiLoader<F>(container, choice).load(config.get(choice.option));
}

/** `jobmanager.scheduler` → the bound SchedulingStrategyFactory of that name. */
export function loadSchedulingStrategyFactory(container: Container, config: Configuration): SchedulingStrategyFactory {
  return load<SchedulingStrategyFactory>(container, config, SPI_CHOICES.scheduler);
}

/** `jobmanager.execution.failover-strategy` → the bound FailoverStrategyFactory of that name. */
export function loadFailoverStrategyFactory(container: Container, config: Configuration): FailoverStrategyFactory {
  return load<FailoverStrategyFactory>(container, config, SPI_CHOICES.failover);
}

/** The restart strategy a job gets, and why when `restart-strategy.type` did not name it. */
export interface RestartStrategyChoice {
  readonly factory: RestartBackoffStrategyFactory;
  /** Set when the option is unset: "the default when checkpointing is disabled", for the job's failure message. */
  readonly defaultReason?: string;
}
/** A job's choice, bound in its container. */
export const RestartStrategyChoice = Symbol.for('flott.RestartStrategyChoice');

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
  const loader = spiLoader<RestartBackoffStrategyFactory>(container, SPI_CHOICES.restart);
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
  return load<StateBackendFactory>(container, config, SPI_CHOICES.stateBackend);
}

/** `execution.checkpointing.storage` → the bound CheckpointStorageFactory of that name. */
export function loadCheckpointStorageFactory(container: Container, config: Configuration): CheckpointStorageFactory {
  return load<CheckpointStorageFactory>(container, config, SPI_CHOICES.checkpointStorage);
}

/** `high-availability.type` → the bound HighAvailabilityServicesFactory of that name. */
export function loadHighAvailabilityServicesFactory(container: Container, config: Configuration): HighAvailabilityServicesFactory {
  return load<HighAvailabilityServicesFactory>(container, config, SPI_CHOICES.highAvailability);
}

/** `resourcemanager.type` → the bound ResourceManagerDriverFactory of that name. */
export function loadResourceManagerDriverFactory(container: Container, config: Configuration): ResourceManagerDriverFactory {
  return load<ResourceManagerDriverFactory>(container, config, SPI_CHOICES.resourceManagerDriver);
}
