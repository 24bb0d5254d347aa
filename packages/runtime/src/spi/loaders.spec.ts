import { Container, ContainerModule } from 'inversify';
import { Configuration, ConfigurationError, UnknownImplementationError, type Clock } from '@flott/core';
import { HighAvailabilityOptions, JobManagerOptions, RestartStrategyOptions, StateOptions } from '../config/options';
import type { CheckpointStorage } from './checkpoint-storage';
import { CheckpointStorageFactory } from './checkpoint-storage';
import type { FailoverStrategy } from './failover-strategy';
import { FailoverStrategyFactory } from './failover-strategy';
import type { HighAvailabilityServices } from './high-availability-services';
import { HighAvailabilityServicesFactory } from './high-availability-services';
import {
  chooseRestartBackoffStrategyFactory,
  loadCheckpointStorageFactory,
  loadFailoverStrategyFactory,
  loadHighAvailabilityServicesFactory,
  loadResourceManagerDriverFactory,
  loadRestartBackoffStrategyFactory,
  loadSchedulingStrategyFactory,
  loadStateBackendFactory,
} from './loaders';
import type { ResourceManagerDriver } from './resource-manager-driver';
import { ResourceManagerDriverFactory } from './resource-manager-driver';
import type { RestartBackoffStrategy } from './restart-backoff-strategy';
import { RestartBackoffStrategyFactory } from './restart-backoff-strategy';
import type { SchedulingStrategy } from './scheduling-strategy';
import { SchedulingStrategyFactory } from './scheduling-strategy';
import type { StateBackend } from './state-backend';
import { StateBackendFactory } from './state-backend';

// Factories whose create methods must never run here: the loaders only pick, they never instantiate.
const notCalled = (): never => {
  throw new Error('the loader must not instantiate the implementation');
};

class NamedRestartFactory implements RestartBackoffStrategyFactory {
  constructor(readonly name: string, readonly aliases: readonly string[] = []) {}
  create(_config: Configuration, _clock: Clock): RestartBackoffStrategy {
    return notCalled();
  }
}

function containerWith(load: (bind: <T>(token: symbol, value: T) => void) => void): Container {
  const container = new Container();
  container.loadSync(
    new ContainerModule((options) => {
      load((token, value) => {
        options.bind(token).toConstantValue(value);
      });
    }),
  );
  return container;
}

describe('restart strategy loader', () => {
  const fixed = new NamedRestartFactory('fixed-delay', ['fixeddelay', 'fixed_delay']);
  const none = new NamedRestartFactory('none', ['off', 'disable']);
  const exponential = new NamedRestartFactory('exponential-delay', ['exponentialdelay']);
  const container = containerWith((bind) => {
    bind(RestartBackoffStrategyFactory, fixed);
    bind(RestartBackoffStrategyFactory, none);
    bind(RestartBackoffStrategyFactory, exponential);
  });

  it('picks the factory by its name', () => {
    const config = new Configuration().set(RestartStrategyOptions.TYPE, 'none');
    expect(loadRestartBackoffStrategyFactory(container, config, true)).toBe(none);
  });

  it('picks the factory by an alias, whatever the case and surrounding blanks', () => {
    expect(loadRestartBackoffStrategyFactory(container, Configuration.fromRecord({ 'restart-strategy.type': 'fixeddelay' }), false)).toBe(fixed);
    expect(loadRestartBackoffStrategyFactory(container, Configuration.fromRecord({ 'restart-strategy.type': ' OFF ' }), false)).toBe(none);
    expect(loadRestartBackoffStrategyFactory(container, Configuration.fromRecord({ 'restart-strategy.type': 'fixed_delay' }), false)).toBe(fixed);
  });

  it('honours the deprecated key `restart-strategy`', () => {
    expect(loadRestartBackoffStrategyFactory(container, Configuration.fromRecord({ 'restart-strategy': 'disable' }), true)).toBe(none);
  });

  it("has no default name: unset, Flink's rule picks none without checkpointing and exponential-delay with it", () => {
    expect(RestartStrategyOptions.TYPE.defaultValue).toBeUndefined();
    expect(chooseRestartBackoffStrategyFactory(container, new Configuration(), false)).toEqual({
      factory: none,
      defaultReason: 'the default when checkpointing is disabled',
    });
    expect(chooseRestartBackoffStrategyFactory(container, new Configuration(), true)).toEqual({
      factory: exponential,
      defaultReason: 'the default when checkpointing is enabled',
    });
  });

  it('a configured type wins over the default, with or without checkpointing, and gives no default reason', () => {
    const config = Configuration.fromRecord({ 'restart-strategy.type': 'fixed-delay' });
    expect(chooseRestartBackoffStrategyFactory(container, config, false)).toEqual({ factory: fixed });
    expect(chooseRestartBackoffStrategyFactory(container, config, true)).toEqual({ factory: fixed });
  });

  it("the job's type wins over the cluster's (the dispatcher layers the job's configuration on top)", () => {
    const cluster = Configuration.fromRecord({ 'restart-strategy.type': 'fixed-delay' });
    const job = Configuration.fromRecord({ 'restart-strategy.type': 'none' });
    expect(loadRestartBackoffStrategyFactory(container, cluster.merge(job), true)).toBe(none);
    expect(loadRestartBackoffStrategyFactory(container, cluster.merge(new Configuration()), false)).toBe(fixed);
  });

  it('fails on an unknown name with an error listing the known names', () => {
    const config = Configuration.fromRecord({ 'restart-strategy.type': 'sometimes' });
    let error: unknown;
    try {
      loadRestartBackoffStrategyFactory(container, config, false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownImplementationError);
    expect(error).toBeInstanceOf(ConfigurationError);
    const e = error as UnknownImplementationError;
    expect(e.code).toBe('CONFIGURATION_ERROR');
    expect(e.message).toBe("Unknown restart strategy 'sometimes' for 'restart-strategy.type'. Known: exponential-delay, fixed-delay, none");
    expect(e.data).toEqual({
      spi: 'restart strategy', key: 'restart-strategy.type', name: 'sometimes', known: ['exponential-delay', 'fixed-delay', 'none'],
    });
  });
});

describe('loaders of the other SPIs', () => {
  const scheduling = { name: 'pipelined-region', createInstance: (): SchedulingStrategy => notCalled() };
  const eager = { name: 'eager', createInstance: (): SchedulingStrategy => notCalled() };
  const lazy = { name: 'lazy-from-sources', createInstance: (): SchedulingStrategy => notCalled() };
  const failover = { name: 'region', create: (): FailoverStrategy => notCalled() };
  const full = { name: 'full', create: (): FailoverStrategy => notCalled() };
  const backend = { name: 'hashmap', create: (): StateBackend => notCalled() };
  const storage = { name: 'jobmanager', create: (): CheckpointStorage => notCalled() };
  const ha = { name: 'none', create: (): HighAvailabilityServices => notCalled() };
  const rm = { name: 'standalone', create: (): ResourceManagerDriver => notCalled() };
  const container = containerWith((bind) => {
    bind(SchedulingStrategyFactory, scheduling);
    bind(SchedulingStrategyFactory, eager);
    bind(SchedulingStrategyFactory, lazy);
    bind(FailoverStrategyFactory, failover);
    bind(FailoverStrategyFactory, full);
    bind(StateBackendFactory, backend);
    bind(CheckpointStorageFactory, storage);
    bind(HighAvailabilityServicesFactory, ha);
    bind(ResourceManagerDriverFactory, rm);
  });

  it('pick the defaults when nothing is configured', () => {
    const config = new Configuration();
    expect(loadSchedulingStrategyFactory(container, config)).toBe(scheduling);
    expect(loadFailoverStrategyFactory(container, config)).toBe(failover);
    expect(loadStateBackendFactory(container, config)).toBe(backend);
    expect(loadCheckpointStorageFactory(container, config)).toBe(storage);
    expect(loadHighAvailabilityServicesFactory(container, config)).toBe(ha);
    expect(loadResourceManagerDriverFactory(container, config)).toBe(rm);
  });

  it('pick by the configured name among several bound factories', () => {
    const config = new Configuration()
      .set(JobManagerOptions.SCHEDULER, 'lazy-from-sources')
      .set(JobManagerOptions.FAILOVER_STRATEGY, 'Full');
    expect(loadSchedulingStrategyFactory(container, config)).toBe(lazy);
    expect(loadFailoverStrategyFactory(container, config)).toBe(full);
  });

  it('read each SPI from its own key', () => {
    const cases: Array<[(c: Container, cfg: Configuration) => unknown, string, string]> = [
      [loadSchedulingStrategyFactory, JobManagerOptions.SCHEDULER.key, 'scheduling strategy'],
      [loadFailoverStrategyFactory, JobManagerOptions.FAILOVER_STRATEGY.key, 'failover strategy'],
      [loadStateBackendFactory, StateOptions.STATE_BACKEND.key, 'state backend'],
      [loadCheckpointStorageFactory, StateOptions.CHECKPOINT_STORAGE.key, 'checkpoint storage'],
      [loadHighAvailabilityServicesFactory, HighAvailabilityOptions.TYPE.key, 'high-availability services'],
      [loadResourceManagerDriverFactory, JobManagerOptions.RESOURCE_MANAGER_TYPE.key, 'resource manager driver'],
    ];
    for (const [loader, key, spi] of cases) {
      expect(() => loader(container, Configuration.fromRecord({ [key]: 'nope' }))).toThrow(
        new RegExp(`^Unknown ${spi} 'nope' for '${key.replace(/\./g, '\\.')}'\\. Known: `),
      );
    }
  });

  it('say that nothing is registered when no plugin bound the SPI', () => {
    expect(() => loadStateBackendFactory(new Container(), new Configuration())).toThrow(
      "Unknown state backend 'hashmap' for 'state.backend.type'. Known: (none registered)",
    );
  });

  it('list all known names, sorted, in the error', () => {
    expect(() => loadSchedulingStrategyFactory(container, Configuration.fromRecord({ 'jobmanager.scheduler': 'adaptive' }))).toThrow(
      "Unknown scheduling strategy 'adaptive' for 'jobmanager.scheduler'. Known: eager, lazy-from-sources, pipelined-region",
    );
  });
});
