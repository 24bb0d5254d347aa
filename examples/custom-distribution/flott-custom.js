#!/usr/bin/env node
// @ts-check
/**
 * A custom Flott distribution: the runtime, the stock plugins the platform team picked, and a plugin
 * of its own — an `exponential-delay` restart strategy (Flink's semantics) — bound with InversifyJS.
 *
 *   node examples/custom-distribution/flott-custom.js <job.ts> [job args...]
 */
'use strict';
const { Container, ContainerModule } = require('inversify');
const {
  ConfigOptions,
  Configuration,
  RestartBackoffStrategyFactory,
  RestartStrategyOptions,
  TaskManagerOptions,
} = require('@flott/runtime');
const { schedulerPluginsModule } = require('@flott/scheduler-plugins');
const { stateBackendsModule } = require('@flott/state-backends');
const { standaloneModule } = require('@flott/rm-standalone');
const { formatError, runJob } = require('@flott/cli');

/** This distribution's own options, with Flink's keys. */
const ExponentialDelayOptions = {
  INITIAL_BACKOFF: ConfigOptions.durationMs('restart-strategy.exponential-delay.initial-backoff', {
    defaultValue: 1000,
    description: 'Delay before the first restart.',
  }),
  MAX_BACKOFF: ConfigOptions.durationMs('restart-strategy.exponential-delay.max-backoff', {
    defaultValue: 60_000,
    description: 'Longest delay between two restarts.',
  }),
  MULTIPLIER: ConfigOptions.int('restart-strategy.exponential-delay.backoff-multiplier', {
    defaultValue: 2, min: 1,
    description: 'Factor the delay grows by after each restart.',
  }),
  ATTEMPTS: ConfigOptions.int('restart-strategy.exponential-delay.attempts-before-reset-backoff', {
    defaultValue: 10, min: 0,
    description: 'Restarts allowed before the job fails.',
  }),
};

/** The strategy; `create` below returns it typed as the SPI's RestartBackoffStrategy. */
class ExponentialDelayRestartBackoffStrategy {
  /** @param {Configuration} config */
  constructor(config) {
    this.initial = config.get(ExponentialDelayOptions.INITIAL_BACKOFF);
    this.max = config.get(ExponentialDelayOptions.MAX_BACKOFF);
    this.multiplier = config.get(ExponentialDelayOptions.MULTIPLIER);
    this.attempts = config.get(ExponentialDelayOptions.ATTEMPTS);
    this.failures = 0;
  }
  /** @param {Error} cause */
  notifyFailure(cause) {
    this.failures++;
    if (this.canRestart()) {
      process.stderr.write(`exponential-delay: restart ${this.failures} after ${this.getBackoffTimeMs()} ms (${cause.message})\n`);
    }
  }
  canRestart() {
    return this.failures <= this.attempts;
  }
  getBackoffTimeMs() {
    return Math.min(this.max, this.initial * this.multiplier ** (this.failures - 1));
  }
  describe() {
    return `ExponentialDelay(attempts=${this.attempts}, initial=${this.initial}ms, max=${this.max}ms)`;
  }
}

/** The plugin: a ContainerModule binding the factory under its config name. */
const exponentialDelayModule = new ContainerModule((options) => {
  options.bind(RestartBackoffStrategyFactory).toConstantValue({
    name: 'exponential-delay',
    aliases: ['exponentialdelay'],
    /**
     * @param {Configuration} config
     * @returns {import('@flott/runtime').RestartBackoffStrategy}
     */
    create: (config) => new ExponentialDelayRestartBackoffStrategy(config),
  });
});

async function main() {
  const [job, ...args] = process.argv.slice(2);
  if (!job) {
    process.stderr.write('usage: flott-custom.js <job.ts> [job args...]\n');
    return 2;
  }
  const container = new Container();
  container.loadSync(schedulerPluginsModule, stateBackendsModule, standaloneModule, exponentialDelayModule);
  const configuration = new Configuration()
    .set(TaskManagerOptions.NUM_TASK_SLOTS, 2)
    .set(RestartStrategyOptions.TYPE, 'exponential-delay')
    .set(ExponentialDelayOptions.INITIAL_BACKOFF, '20 ms')
    .set(ExponentialDelayOptions.ATTEMPTS, 3);
  try {
    await runJob({ job, args, configuration, container, pluginModules: ['@flott/state-backends'] });
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  }
}

main().then((code) => (process.exitCode = code));
