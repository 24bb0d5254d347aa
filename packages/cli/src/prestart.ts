import { prestartCoordinatorThread, prestartSlotThreads } from '@flott/runtime/common';
import { localClusterSlots, resolveConfiguration, runsRemotely, type RemoteOptions } from './config-resolution';

/**
 * Starts the threads of `flott run`'s embedded cluster (one per slot and a coordinator thread) before this
 * thread loads the runtime, the job bundler and the cluster (~0.25 s), so theirs load at the same time
 * (docs/architecture.md, "Start-up"). The cluster takes them when it starts. Runs on a remote cluster start
 * none; a configuration that does not resolve starts none either (the command reports it).
 */
export function prestartLocalClusterThreads(opts: RemoteOptions): void {
  let config;
  try {
    config = resolveConfiguration(opts);
    if (runsRemotely(opts, config)) return;
  } catch {
    return;
  }
  prestartSlotThreads(config, localClusterSlots(config));
  prestartCoordinatorThread();
}
