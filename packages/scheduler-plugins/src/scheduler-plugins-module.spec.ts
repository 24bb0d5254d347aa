import { Container } from 'inversify';
import { Configuration } from '@flott/core';
import { loadFailoverStrategyFactory, loadRestartBackoffStrategyFactory, loadSchedulingStrategyFactory } from '@flott/runtime';
import { EagerSchedulingStrategyFactory } from './eager-scheduling-strategy';
import { LazyFromSourcesSchedulingStrategyFactory } from './lazy-from-sources-scheduling-strategy';
import { PipelinedRegionSchedulingStrategyFactory } from './pipelined-region-scheduling-strategy';
import { ExponentialDelayRestartBackoffStrategyFactory } from './exponential-delay-restart-backoff-strategy';
import { FailureRateRestartBackoffStrategyFactory } from './failure-rate-restart-backoff-strategy';
import { FixedDelayRestartBackoffStrategyFactory } from './fixed-delay-restart-backoff-strategy';
import { RestartIndividualFailoverStrategyFactory } from './individual-failover-strategy';
import { NoRestartBackoffStrategyFactory } from './no-restart-backoff-strategy';
import { RestartPipelinedRegionFailoverStrategyFactory } from './region-failover-strategy';
import { RestartAllFailoverStrategyFactory } from './restart-all-failover-strategy';
import { schedulerPluginsModule } from './scheduler-plugins-module';

describe('schedulerPluginsModule', () => {
  const container = new Container();
  container.loadSync(schedulerPluginsModule);

  it('makes the default configuration resolve to pipelined-region, region and, as in Flink, none without checkpointing', () => {
    const config = new Configuration();
    expect(loadSchedulingStrategyFactory(container, config)).toBeInstanceOf(PipelinedRegionSchedulingStrategyFactory);
    expect(loadSchedulingStrategyFactory(container, Configuration.fromRecord({ 'jobmanager.scheduler': 'eager' }))).toBeInstanceOf(EagerSchedulingStrategyFactory);
    expect(loadSchedulingStrategyFactory(container, Configuration.fromRecord({ 'jobmanager.scheduler': 'lazy-from-sources' }))).toBeInstanceOf(LazyFromSourcesSchedulingStrategyFactory);
    expect(loadFailoverStrategyFactory(container, config)).toBeInstanceOf(RestartPipelinedRegionFailoverStrategyFactory);
    expect(loadFailoverStrategyFactory(container, Configuration.fromRecord({ 'jobmanager.execution.failover-strategy': 'full' }))).toBeInstanceOf(RestartAllFailoverStrategyFactory);
    expect(loadFailoverStrategyFactory(container, Configuration.fromRecord({ 'jobmanager.execution.failover-strategy': 'individual' }))).toBeInstanceOf(RestartIndividualFailoverStrategyFactory);
    expect(loadRestartBackoffStrategyFactory(container, config, false)).toBeInstanceOf(NoRestartBackoffStrategyFactory);
  });

  it('binds exponential-delay, the default restart strategy when checkpointing is enabled', () => {
    expect(loadRestartBackoffStrategyFactory(container, new Configuration(), true)).toBeInstanceOf(ExponentialDelayRestartBackoffStrategyFactory);
  });

  it('resolves restart strategies by Flink aliases', () => {
    const pick = (name: string): unknown =>
      loadRestartBackoffStrategyFactory(container, Configuration.fromRecord({ 'restart-strategy.type': name }), false);
    expect(pick('off')).toBeInstanceOf(NoRestartBackoffStrategyFactory);
    expect(pick('fixeddelay')).toBeInstanceOf(FixedDelayRestartBackoffStrategyFactory);
    expect(pick('exponentialdelay')).toBeInstanceOf(ExponentialDelayRestartBackoffStrategyFactory);
    expect(pick('failure-rate')).toBeInstanceOf(FailureRateRestartBackoffStrategyFactory);
    expect(pick('FailureRate')).toBeInstanceOf(FailureRateRestartBackoffStrategyFactory);
  });

  it('names the bound strategies when an unknown one is configured', () => {
    expect(() => loadRestartBackoffStrategyFactory(container, Configuration.fromRecord({ 'restart-strategy.type': 'sometimes' }), false)).toThrow(
      "Unknown restart strategy 'sometimes' for 'restart-strategy.type'. Known: exponential-delay, failure-rate, fixed-delay, none",
    );
  });
});
