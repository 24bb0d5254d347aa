/**
 * `flott run` starts its MiniCluster with `prestartThreads`: the slot threads start with the cluster,
 * not with the first job's slot allocation. A slot thread answers statistics only once started, so
 * the TaskExecutor's slot statistics tell which threads run before any job was submitted.
 */
import { Configuration } from '@flott/core';
import { MiniCluster } from '@flott/runtime';
import { createDistributionContainer, pluginModulesFor } from '../distribution';

async function startedSlotThreads(prestartThreads: boolean): Promise<number> {
  const config = Configuration.fromRecord({ 'taskmanager.numberOfTaskSlots': 2 });
  const cluster = await MiniCluster.start({ configuration: config, container: createDistributionContainer(config), pluginModules: pluginModulesFor(config), prestartThreads });
  try {
    return (await cluster.taskExecutor.slotStats()).length;
  } finally {
    await cluster.close();
  }
}

describe('MiniCluster prestartThreads', () => {
  it('starts every slot thread with the cluster when asked, none before a job otherwise', async () => {
    expect(await startedSlotThreads(false)).toBe(0);
    expect(await startedSlotThreads(true)).toBe(2);
  });
});
