// @flott/cli: the default distribution (runtime + stock plugins) and the `flott` command.
export { main } from './main';
export { STOCK_PLUGINS, createDistributionContainer, pluginModulesFor, resolveConfiguration } from './distribution';
export type { CommonOptions } from './distribution';
export { formatError } from './errors-format';
export { runJob } from './run-job';
export type { RunJobOptions } from './run-job';
