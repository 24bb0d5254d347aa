import { ContainerModule } from 'inversify';
import { FailoverStrategyFactory, RestartBackoffStrategyFactory, SchedulingStrategyFactory } from '@flott/runtime/spi';
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

/** Binds the stock scheduling, failover and restart factories; the loaders pick one by config name. */
export const schedulerPluginsModule = new ContainerModule((options) => {
  options.bind(SchedulingStrategyFactory).toConstantValue(new PipelinedRegionSchedulingStrategyFactory());
  options.bind(SchedulingStrategyFactory).toConstantValue(new EagerSchedulingStrategyFactory());
  options.bind(SchedulingStrategyFactory).toConstantValue(new LazyFromSourcesSchedulingStrategyFactory());
  options.bind(FailoverStrategyFactory).toConstantValue(new RestartAllFailoverStrategyFactory());
  options.bind(FailoverStrategyFactory).toConstantValue(new RestartPipelinedRegionFailoverStrategyFactory());
  options.bind(FailoverStrategyFactory).toConstantValue(new RestartIndividualFailoverStrategyFactory());
  options.bind(RestartBackoffStrategyFactory).toConstantValue(new FixedDelayRestartBackoffStrategyFactory());
  options.bind(RestartBackoffStrategyFactory).toConstantValue(new NoRestartBackoffStrategyFactory());
  options.bind(RestartBackoffStrategyFactory).toConstantValue(new FailureRateRestartBackoffStrategyFactory());
  options.bind(RestartBackoffStrategyFactory).toConstantValue(new ExponentialDelayRestartBackoffStrategyFactory());
});
