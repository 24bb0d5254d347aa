import type { Configuration } from '@flott/core';
// The launcher's entry point: `flott cluster start|stop` resolve their configuration without loading the runtime's roles.
import { CoreOptions, StateRecoveryOptions, loadConfiguration } from '@flott/runtime/launcher';

export interface CommonOptions {
  readonly config?: string;
  readonly D?: string[];
  readonly parallelism?: string;
  /** `flott run -s`: the savepoint to start from. */
  readonly fromSavepoint?: string;
  /** `flott run -n`. */
  readonly allowNonRestoredState?: boolean;
}

/** The configuration of a command: the config file (--config or FLOTT_CONF_DIR), -D, -p, -s and -n. */
export function resolveConfiguration(opts: CommonOptions): Configuration {
  const flags: Array<{ flag: string; key: string; value: string }> = [];
  if (opts.parallelism !== undefined) flags.push({ flag: '-p', key: CoreOptions.DEFAULT_PARALLELISM.key, value: opts.parallelism });
  if (opts.fromSavepoint !== undefined) flags.push({ flag: '-s', key: StateRecoveryOptions.SAVEPOINT_PATH.key, value: opts.fromSavepoint });
  if (opts.allowNonRestoredState) flags.push({ flag: '-n', key: StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE.key, value: 'true' });
  return loadConfiguration({ configDir: opts.config, dynamicProperties: opts.D ?? [], commandLineOptions: flags, env: process.env });
}
