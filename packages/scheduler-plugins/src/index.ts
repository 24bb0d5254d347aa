// Public entry point of @flott/scheduler-plugins (named exports only).
export { schedulerPluginsModule } from './scheduler-plugins-module';
export { EagerSchedulingStrategy, EagerSchedulingStrategyFactory } from './eager-scheduling-strategy';
export { PipelinedRegionSchedulingStrategy, PipelinedRegionSchedulingStrategyFactory } from './pipelined-region-scheduling-strategy';
export { LazyFromSourcesSchedulingStrategy, LazyFromSourcesSchedulingStrategyFactory } from './lazy-from-sources-scheduling-strategy';
export { RestartAllFailoverStrategy, RestartAllFailoverStrategyFactory } from './restart-all-failover-strategy';
export { RestartPipelinedRegionFailoverStrategy, RestartPipelinedRegionFailoverStrategyFactory } from './region-failover-strategy';
export { RestartIndividualFailoverStrategy, RestartIndividualFailoverStrategyFactory } from './individual-failover-strategy';
export { PipelinedRegions } from './pipelined-regions';
export type { PipelinedRegion } from './pipelined-regions';
export { FixedDelayRestartBackoffStrategy, FixedDelayRestartBackoffStrategyFactory } from './fixed-delay-restart-backoff-strategy';
export { FailureRateRestartBackoffStrategy, FailureRateRestartBackoffStrategyFactory } from './failure-rate-restart-backoff-strategy';
export { NoRestartBackoffStrategy, NoRestartBackoffStrategyFactory } from './no-restart-backoff-strategy';
export { ExponentialDelayRestartBackoffStrategy, ExponentialDelayRestartBackoffStrategyFactory } from './exponential-delay-restart-backoff-strategy';
export type { ExponentialDelaySettings } from './exponential-delay-restart-backoff-strategy';
