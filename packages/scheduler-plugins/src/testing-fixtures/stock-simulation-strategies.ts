import { Configuration } from '@flott/core';
import { RestartStrategyOptions } from '@flott/runtime/common';
import type { ClusterSimulationOptions } from '@flott/runtime/testing';
import { EagerSchedulingStrategyFactory } from '../eager-scheduling-strategy';
import { ExponentialDelayRestartBackoffStrategyFactory } from '../exponential-delay-restart-backoff-strategy';
import { FixedDelayRestartBackoffStrategyFactory } from '../fixed-delay-restart-backoff-strategy';
import { LazyFromSourcesSchedulingStrategyFactory } from '../lazy-from-sources-scheduling-strategy';
import { PipelinedRegionSchedulingStrategyFactory } from '../pipelined-region-scheduling-strategy';
import { RestartPipelinedRegionFailoverStrategyFactory } from '../region-failover-strategy';
import { RestartAllFailoverStrategyFactory } from '../restart-all-failover-strategy';

/**
 * The stock strategies a simulated run's scenario names: the real scheduling, failover and restart
 * strategies of this package, restarting without end (a simulated run's faults are all survivable,
 * so the job must finish however often it restarts).
 */
export const stockSimulationStrategies: ClusterSimulationOptions['strategies'] = (scenario, clock, random) => {
  const scheduling = {
    eager: () => new EagerSchedulingStrategyFactory(),
    'pipelined-region': () => new PipelinedRegionSchedulingStrategyFactory(),
    'lazy-from-sources': () => new LazyFromSourcesSchedulingStrategyFactory(),
  }[scenario.scheduling]();
  const failover = scenario.failover === 'region' ? new RestartPipelinedRegionFailoverStrategyFactory() : new RestartAllFailoverStrategyFactory();
  const config = new Configuration()
    .set(RestartStrategyOptions.FIXED_DELAY_ATTEMPTS, Number.MAX_SAFE_INTEGER)
    .set(RestartStrategyOptions.FIXED_DELAY_DELAY, scenario.restartDelayMs)
    .set(RestartStrategyOptions.EXPONENTIAL_DELAY_INITIAL_BACKOFF, Math.max(1, scenario.restartDelayMs))
    .set(RestartStrategyOptions.EXPONENTIAL_DELAY_MAX_BACKOFF, Math.max(1, scenario.restartDelayMs) * 8)
    .set(RestartStrategyOptions.EXPONENTIAL_DELAY_ATTEMPTS, Number.MAX_SAFE_INTEGER);
  const restart = scenario.restart === 'fixed-delay' ? new FixedDelayRestartBackoffStrategyFactory() : new ExponentialDelayRestartBackoffStrategyFactory();
  return { schedulingStrategyFactory: scheduling, failoverStrategyFactory: failover, restartBackoffStrategy: restart.create(config, clock, random) };
};
