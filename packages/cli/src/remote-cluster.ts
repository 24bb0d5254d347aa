import type { Configuration } from '@flott/core';
import { RestClusterClient, restBaseUrl } from '@flott/client';
import { DeploymentOptions, SystemScheduler } from '@flott/runtime';
import { resolveConfiguration, type RemoteOptions } from './config-resolution';

/** The REST client of the cluster the options point at (-m, else rest.address and rest.port). */
export function remoteCluster(opts: RemoteOptions, config: Configuration = resolveConfiguration(opts)): RestClusterClient {
  return new RestClusterClient({ url: restBaseUrl(config, opts.jobmanager), configuration: config, scheduler: new SystemScheduler() });
}

/** Configuration a client uses to reach the cluster, not the job's own: not shipped with the submission. */
export function isClientOnlyKey(key: string): boolean {
  return key.startsWith('rest.') || key.startsWith('security.ssl.rest.') || key === DeploymentOptions.TARGET.key;
}
