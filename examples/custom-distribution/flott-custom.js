#!/usr/bin/env node
// @ts-check
/**
 * A custom Flott distribution: the runtime, the stock plugins the platform team picked, and a plugin
 * of its own — a `linear-delay` restart strategy — bound with InversifyJS.
 *
 *   node examples/custom-distribution/flott-custom.js <job.ts> [job args...]
 */
'use strict';
const { Container, ContainerModule } = require('inversify');
const { ConfigOptions, Configuration } = require('@flott/core');
const { RestartStrategyOptions, TaskManagerOptions } = require('@flott/runtime');
const { RestartBackoffStrategyFactory } = require('@flott/runtime/spi');
const { schedulerPluginsModule } = require('@flott/scheduler-plugins');
const { stateBackendsModule } = require('@flott/state-backends');
const { standaloneModule } = require('@flott/rm-standalone');
const { formatError, runJob } = require('@flott/cli');

/** This distribution's own options, with keys in Flink's style. */
const LinearDelayOptions = {
  INITIAL_DELAY: ConfigOptions.durationMs('restart-strategy.linear-delay.initial-delay', {
    defaultValue: 1000,
    description: 'Delay before the first restart.',
  }),
  INCREMENT: ConfigOptions.durationMs('restart-strategy.linear-delay.increment', {
    defaultValue: 1000,
    description: 'How much longer each further restart waits.',
  }),
  MAX_DELAY: ConfigOptions.durationMs('restart-strategy.linear-delay.max-delay', {
    defaultValue: 60_000,
    description: 'Longest delay between two restarts.',
  }),
  ATTEMPTS: ConfigOptions.int('restart-strategy.linear-delay.attempts', {
    defaultValue: 10, min: 0,
    description: 'Restarts allowed before the job fails.',
  }),
};

/** The strategy; `create` below returns it typed as the SPI's RestartBackoffStrategy. */
class LinearDelayRestartBackoffStrategy {
  /** @param {Configuration} config */
  constructor(config) {
    this.initial = config.get(LinearDelayOptions.INITIAL_DELAY);
    this.increment = config.get(LinearDelayOptions.INCREMENT);
    this.max = config.get(LinearDelayOptions.MAX_DELAY);
    this.attempts = config.get(LinearDelayOptions.ATTEMPTS);
    this.failures = 0;
  }
  /** @param {Error} cause */
  notifyFailure(cause) {
    this.failures++;
    if (this.canRestart()) {
      process.stderr.write(`linear-delay: restart ${this.failures} after ${this.getBackoffTimeMs()} ms (${cause.message})\n`);
    }
  }
  canRestart() {
    return this.failures <= this.attempts;
  }
  getBackoffTimeMs() {
    return Math.min(this.max, this.initial + this.increment * (this.failures - 1));
  }
  describe() {
    return `LinearDelay(attempts=${this.attempts}, initial=${this.initial}ms, increment=${this.increment}ms, max=${this.max}ms)`;
  }
}

/** The plugin: a ContainerModule binding the factory under its config name. */
const linearDelayModule = new ContainerModule((options) => {
  options.bind(RestartBackoffStrategyFactory).toConstantValue({
    name: 'linear-delay',
    aliases: ['lineardelay'],
    /**
     * @param {Configuration} config
     * @returns {import('@flott/runtime/spi').RestartBackoffStrategy}
     */
    create: (config) => new LinearDelayRestartBackoffStrategy(config),
  });
});

async function main() {
  const [job, ...args] = process.argv.slice(2);
  if (!job) {
    process.stderr.write('usage: flott-custom.js <job.ts> [job args...]\n');
    return 2;
  }
  const container = new Container();
  container.loadSync(schedulerPluginsModule, stateBackendsModule, standaloneModule, linearDelayModule);
  const configuration = new Configuration()
    .set(TaskManagerOptions.NUM_TASK_SLOTS, 2)
    .set(RestartStrategyOptions.TYPE, 'linear-delay')
    .set(LinearDelayOptions.INITIAL_DELAY, '20 ms')
    .set(LinearDelayOptions.INCREMENT, '20 ms')
    .set(LinearDelayOptions.ATTEMPTS, 3);
  try {
    await runJob({ job, args, configuration, container, pluginModules: ['@flott/state-backends'] });
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  }
}

main().then((code) => (process.exitCode = code));
