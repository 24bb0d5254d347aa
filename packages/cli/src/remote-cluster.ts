import { ConfigurationError, type Configuration } from '@flott/core';
import { RestClusterClient, restBaseUrl } from '@flott/client';
import { DeploymentOptions, SystemScheduler } from '@flott/runtime';
import { resolveConfiguration, type CommonOptions } from './distribution';

export interface RemoteOptions extends CommonOptions {
  /** `-m host:port`: the cluster's REST endpoint. */
  readonly jobmanager?: string;
  /** `-t local|remote` (execution.target). */
  readonly target?: string;
}

/** Whether `flott run` submits to a running cluster: -m, -t remote or execution.target: remote. */
export function runsRemotely(opts: RemoteOptions, config: Configuration): boolean {
  const target = opts.target ?? config.get(DeploymentOptions.TARGET) ?? 'local';
  if (target !== 'local' && target !== 'remote') {
    throw new ConfigurationError(`Unknown execution target '${target}' (-t / execution.target). Known: local, remote`, { key: 'execution.target' });
  }
  return opts.jobmanager !== undefined || target === 'remote';
}

/** The REST client of the cluster the options point at (-m, else rest.address and rest.port). */
export function remoteCluster(opts: RemoteOptions, config: Configuration = resolveConfiguration(opts)): RestClusterClient {
  return new RestClusterClient({ url: restBaseUrl(config, opts.jobmanager), configuration: config, scheduler: new SystemScheduler() });
}

/** Configuration a client uses to reach the cluster, not the job's own: not shipped with the submission. */
export function isClientOnlyKey(key: string): boolean {
  return key.startsWith('rest.') || key.startsWith('security.ssl.rest.') || key === DeploymentOptions.TARGET.key;
}
