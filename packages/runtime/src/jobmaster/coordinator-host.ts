import { deserializeError, serializeError, type Clock, type Configuration } from '@flott/core';
import type { StreamGraph } from '../graph/stream-graph';
import type { Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';
import type { CoordinatorMethod, FromCoordinatorThread, HostedOperator, ToCoordinatorThread } from '../coordination/coordinator-protocol';
import type { OperatorCoordinator } from '../coordination/operator-coordinator';
import { SourceCoordinator } from '../coordination/source-coordinator';
import { SourceCoordinatorError } from '../coordination/source-coordinator-errors';

export interface CoordinatorHostOptions {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log: Logger;
  post(msg: FromCoordinatorThread): void;
  /** Re-runs the job's main and returns the graph it built (as a slot does). */
  loadStreamGraph(artifactPath: string, request: { args: readonly string[]; defaultParallelism: number; configuration: Configuration }): Promise<StreamGraph>;
  configurationOf(record: Record<string, unknown>): Configuration;
}

/**
 * The coordinator thread's side (coordinator-worker.ts wires it): rebuilds the job's graph once,
 * creates a SourceCoordinator per hosted operator from the Source its StreamNode carries, and runs the
 * JobMaster's calls one after the other, in the order they arrived.
 */
export class CoordinatorHost {
  private coordinators?: Promise<Map<string, OperatorCoordinator>>;
  private queue: Promise<void> = Promise.resolve();
  private readonly deliveries = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private requestSeq = 0;

  constructor(private readonly opts: CoordinatorHostOptions) {}

  handle(msg: ToCoordinatorThread): void {
    if (msg.type === 'init') {
      this.coordinators = this.create(msg);
      // A failed init fails every call; the calls report it.
      this.coordinators.catch(() => undefined);
      return;
    }
    if (msg.type === 'event-delivered') {
      const d = this.deliveries.get(msg.requestId);
      this.deliveries.delete(msg.requestId);
      if (msg.error) d?.reject(deserializeError(msg.error));
      else d?.resolve();
      return;
    }
    this.queue = this.queue.then(() => this.call(msg.requestId, msg.operatorId, msg.method, msg.args));
  }

  private async call(requestId: number, operatorId: string, method: CoordinatorMethod, args: unknown[]): Promise<void> {
    try {
      const coordinators = await this.coordinators;
      const c = coordinators?.get(operatorId);
      if (!c) throw new Error(`Assertion failed: no coordinator for operator ${operatorId} in the coordinator thread`);
      const result = await (c[method] as (...a: unknown[]) => unknown).apply(c, args);
      this.opts.post({ type: 'reply', requestId, result });
    } catch (e) {
      this.opts.post({ type: 'reply', requestId, error: serializeError(e) });
    }
  }

  private async create(init: Extract<ToCoordinatorThread, { type: 'init' }>): Promise<Map<string, OperatorCoordinator>> {
    const configuration = this.opts.configurationOf(init.configuration);
    const graph = await this.opts.loadStreamGraph(init.artifactPath, { args: init.args, defaultParallelism: init.defaultParallelism, configuration });
    const coordinators = new Map<string, OperatorCoordinator>();
    for (const op of init.operators) coordinators.set(op.operatorId, this.coordinatorOf(graph, op));
    return coordinators;
  }

  private coordinatorOf(graph: StreamGraph, op: HostedOperator): OperatorCoordinator {
    const source = graph.nodes.get(op.streamNodeId)?.unifiedSource;
    if (!source) throw new SourceCoordinatorError(op.name, `the job's main, re-run, built no unified source at node ${op.streamNodeId}`);
    return new SourceCoordinator({
      source,
      clock: this.opts.clock,
      scheduler: this.opts.scheduler,
      log: this.opts.log,
      context: {
        operatorId: op.operatorId,
        operatorName: op.name,
        parallelism: op.parallelism,
        sendEventToTask: (attemptId, event) =>
          new Promise<void>((resolve, reject) => {
            const requestId = ++this.requestSeq;
            this.deliveries.set(requestId, { resolve, reject });
            this.opts.post({ type: 'send-event', requestId, operatorId: op.operatorId, attemptId, event });
          }),
        failJob: (cause) => this.opts.post({ type: 'fail-job', operatorId: op.operatorId, error: serializeError(cause) }),
      },
    });
  }
}
