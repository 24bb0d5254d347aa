import type { TaskExecutorGateway, TaskManagerStatsEntry } from '../rpc/gateways';
import type { Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';

/** Bounds of the timeout a caller may ask for: a REST query should neither spin on 0 nor wait for minutes. */
const MIN_TIMEOUT_MS = 1;
const MAX_TIMEOUT_MS = 60_000;

export interface StatsTarget {
  readonly resourceId: string;
  readonly gateway: TaskExecutorGateway;
}

/**
 * Asks every TaskManager for its stats at once (the ResourceManager's requestTaskManagerStats). Each
 * answer is awaited at most `timeoutMs` on the injected scheduler, not rpc.ask-timeout: the REST API
 * answers with the TaskManagers that answered in time, and a dead, unreachable or hung one is left out
 * (logged at debug: heartbeats report lost TaskManagers; a stats query is not the place). Results keep
 * the targets' order.
 */
export async function requestStatsFromTaskManagers(
  targets: readonly StatsTarget[],
  timeoutMs: number,
  scheduler: Scheduler,
  log: Logger,
): Promise<TaskManagerStatsEntry[]> {
  const bound = Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, Number.isFinite(timeoutMs) ? timeoutMs : MAX_TIMEOUT_MS));
  const answers = await Promise.all(
    targets.map(
      ({ resourceId, gateway }) =>
        new Promise<TaskManagerStatsEntry | undefined>((resolve) => {
          const timer = scheduler.schedule(bound, () => {
            log.debug({ resourceId, timeoutMs: bound }, `TaskManager ${resourceId} did not answer the stats request within ${bound} ms; left out.`);
            resolve(undefined);
          });
          gateway.requestTaskManagerStats().then(
            (stats) => {
              timer.cancel();
              resolve({ resourceId, stats });
            },
            (err: unknown) => {
              timer.cancel();
              log.debug({ err, resourceId }, `TaskManager ${resourceId} failed the stats request; left out.`);
              resolve(undefined);
            },
          );
        }),
    ),
  );
  return answers.filter((a): a is TaskManagerStatsEntry => a !== undefined);
}
