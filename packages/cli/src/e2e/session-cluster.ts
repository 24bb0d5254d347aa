import { loadConfiguration, MiniCluster, RestOptions, TaskManagerOptions } from '@flott/runtime';
import { miniClusterInfo, RestServerEndpoint } from '@flott/rest';
import { createDistributionContainer, pluginModulesFor } from '../distribution';

export interface SessionCluster {
  readonly cluster: MiniCluster;
  readonly rest: RestServerEndpoint;
  close(): Promise<void>;
}

/**
 * A session cluster for tests until `flott jobmanager` lands: a MiniCluster of the default
 * distribution with the REST endpoint on it. `dynamicProperties` are `key=value` pairs; unless they
 * say otherwise it binds 127.0.0.1 at a free port and has 4 slots.
 */
export async function startSessionCluster(dynamicProperties: readonly string[]): Promise<SessionCluster> {
  const config = loadConfiguration({ dynamicProperties: [...dynamicProperties], env: {} });
  if (!config.contains(RestOptions.PORT)) config.set(RestOptions.PORT, 0);
  if (!config.contains(RestOptions.BIND_ADDRESS)) config.set(RestOptions.BIND_ADDRESS, '127.0.0.1');
  if (!config.contains(TaskManagerOptions.NUM_TASK_SLOTS)) config.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
  const cluster = await MiniCluster.start({ configuration: config, container: createDistributionContainer(config), pluginModules: pluginModulesFor(config) });
  try {
    const rest = await RestServerEndpoint.start({ dispatcher: cluster.dispatcher, cluster: miniClusterInfo(cluster), configuration: config });
    return {
      cluster,
      rest,
      async close() {
        await rest.close();
        await cluster.close();
      },
    };
  } catch (e) {
    await cluster.close();
    throw e;
  }
}
