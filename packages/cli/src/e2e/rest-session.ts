import { LocalCluster } from './local-cluster';

export interface RestSession {
  readonly port: number;
  readonly url: string;
  readonly cluster: LocalCluster;
  /** What the JobManager logged so far (for failure messages). */
  log(): string;
  /** Stops the cluster (flott cluster stop), and kills whatever did not stop. */
  close(): Promise<void>;
}

/**
 * A session cluster of real processes for the CLI's end-to-end tests: `flott cluster start` with a
 * JobManager and one TaskManager of 4 slots on loopback, free ports; `dynamicProperties` are
 * `key=value` pairs for every process (they may override the slots).
 */
export async function startRestSession(dynamicProperties: readonly string[] = []): Promise<RestSession> {
  const cluster = new LocalCluster(['-D', 'taskmanager.numberOfTaskSlots=4', ...dynamicProperties.flatMap((p) => ['-D', p])]);
  try {
    await cluster.start(1);
  } catch (e) {
    await cluster.kill();
    throw e;
  }
  const url = cluster.restUrl;
  return {
    port: Number(new URL(url).port),
    url,
    cluster,
    log: () => cluster.log('jobmanager'),
    async close() {
      try {
        await cluster.stop();
      } finally {
        await cluster.kill();
      }
    },
  };
}
