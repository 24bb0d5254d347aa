import { NumberSequenceSource } from '@flott/core';
import { SourceCoordinator } from '../coordination/source-coordinator';
import { ExecutionState as E } from '../execution/execution-state';
import { StreamGraph } from '../graph/stream-graph';
import { SourceReaderOperator } from '../operators/sources/source-reader-operator';
import type { StreamOperator } from '../operators/stream-operator';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingOneInputOperator } from '../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../testing/testing-task-environment';
import { ManualClock } from '../time/clock';
import { StreamTask } from './stream-task';

describe('StreamTask with operator events', () => {
  it('a unified source in a task gets its splits as mail from its coordinator and ends when told there are no more', async () => {
    const source = new NumberSequenceSource(1, 9);
    const graph = new StreamGraph('operator events', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
    const s = graph.addNode({
      name: 'Source: numbers', kind: 'Source', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource: true,
      operatorFactory: () => new SourceReaderOperator(source) as StreamOperator<unknown>,
    });
    const sink = new TestingOneInputOperator<number>('sink');
    const k = graph.addNode({ name: 'Sink', kind: 'Sink', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'ALWAYS', isSource: false, operatorFactory: () => sink as StreamOperator<unknown> });
    graph.addEdge(s.id, k.id, { kind: 'forward' });
    const [tdd] = testingDeploymentDescriptors(graph);
    const sourceOperatorId = tdd.vertex.operators[0].operatorId;

    const env = new TestingTaskEnvironment();
    let task: StreamTask | undefined;
    const clock = new ManualClock(0);
    const coordinator = new SourceCoordinator({
      source,
      clock,
      scheduler: clock,
      context: {
        operatorId: sourceOperatorId,
        operatorName: 'Source: numbers',
        parallelism: 1,
        // As the TaskExecutor gateway's sendOperatorEventToTask ends: mail for the attempt's operator.
        sendEventToTask: async (attemptId, event) => task!.deliverOperatorEvent(sourceOperatorId, event),
        failJob: (cause) => {
          throw cause;
        },
      },
    });
    coordinator.start();
    env.withSendOperatorEvent(async (attemptId, operatorId, event) => {
      expect(operatorId).toBe(sourceOperatorId);
      await coordinator.handleEventFromOperator(0, attemptId, event);
      return { accepted: true };
    });
    task = new StreamTask(tdd, graph, env);
    await expect(task.run()).resolves.toBe(E.FINISHED);
    expect(sink.received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(env.operatorEvents.map((e) => (e.event as { kind: string }).kind)).toEqual([
      'source-reader-registration',
      'source-request-split',
      'source-request-split',
    ]);
  });
});
