import type { Container } from 'inversify';
import type { Configuration } from '@flott/core';
import { CoreOptions, createPluginContainer } from '@flott/runtime';
export { resolveConfiguration } from './config-resolution';
export type { CommonOptions } from './config-resolution';

/**
 * The default distribution (DESIGN.md §1): the runtime with the stock plugins (the s3:// file system
 * among them, so `execution.checkpointing.dir: s3://bucket/path` works out of the box). Extra plugin
 * packages come from the `plugins` option.
 */
export const STOCK_PLUGINS: readonly string[] = ['@flott/scheduler-plugins', '@flott/state-backends', '@flott/fs-s3', '@flott/rm-standalone'];

export function pluginModulesFor(config: Configuration): string[] {
  return [...STOCK_PLUGINS, ...config.get(CoreOptions.PLUGINS)];
}

export function createDistributionContainer(config: Configuration): Container {
  return createPluginContainer(pluginModulesFor(config));
}
