import type { Container } from 'inversify';
import { Configuration } from '@flott/core';
import { CoreOptions, StateRecoveryOptions, createPluginContainer, loadConfiguration } from '@flott/runtime';

/**
 * The default distribution (DESIGN.md §1): the runtime with the stock plugins (the s3:// file system
 * among them, so `execution.checkpointing.dir: s3://bucket/path` works out of the box). Extra plugin
 * packages come from the `plugins` option.
 */
export const STOCK_PLUGINS: readonly string[] = ['@flott/scheduler-plugins', '@flott/state-backends', '@flott/fs-s3', '@flott/rm-standalone'];

export interface CommonOptions {
  readonly config?: string;
  readonly D?: string[];
  readonly parallelism?: string;
  /** `flott run -s`: the savepoint to start from. */
  readonly fromSavepoint?: string;
  /** `flott run -n`. */
  readonly allowNonRestoredState?: boolean;
}

export function resolveConfiguration(opts: CommonOptions): Configuration {
  const flags: Array<{ flag: string; key: string; value: string }> = [];
  if (opts.parallelism !== undefined) flags.push({ flag: '-p', key: CoreOptions.DEFAULT_PARALLELISM.key, value: opts.parallelism });
  if (opts.fromSavepoint !== undefined) flags.push({ flag: '-s', key: StateRecoveryOptions.SAVEPOINT_PATH.key, value: opts.fromSavepoint });
  if (opts.allowNonRestoredState) flags.push({ flag: '-n', key: StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE.key, value: 'true' });
  return loadConfiguration({ configDir: opts.config, dynamicProperties: opts.D ?? [], commandLineOptions: flags, env: process.env });
}

export function pluginModulesFor(config: Configuration): string[] {
  return [...STOCK_PLUGINS, ...config.get(CoreOptions.PLUGINS)];
}

export function createDistributionContainer(config: Configuration): Container {
  return createPluginContainer(pluginModulesFor(config));
}
