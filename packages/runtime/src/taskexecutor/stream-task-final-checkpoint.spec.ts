import { MAX_WATERMARK } from '@flott/core';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { ExecutionState as E } from '../execution/execution-state';
import { StreamGraph } from '../graph/stream-graph';
import { AbstractStreamOperator } from '../operators/abstract-stream-operator';
import type { OneInputStreamOperator, StateSnapshotContext, StreamOperator } from '../operators/stream-operator';
import { settle } from '../testing/settle';
import { TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingSourceOperator } from '../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../testing/testing-task-environment';
import { StreamTask } from './stream-task';

/** Records what happens to it, in order: records, the end of event time, finish, snapshots, notifications, close. */
class Recorder extends AbstractStreamOperator<number> implements OneInputStreamOperator<number, number> {
  readonly events: string[] = [];

  processElement(value: number): void {
    this.events.push(`record ${value}`);
  }

  processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK) this.events.push('end of event time');
  }

  override finish(): void {
    this.events.push(`finish (final checkpoint follows: ${String(this.env.checkpointsAfterTasksFinish)})`);
  }

  snapshotState(context: StateSnapshotContext): void {
    this.events.push(`snapshot ${context.checkpointId}`);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.events.push(`complete ${checkpointId}`);
  }

  override close(): void {
    this.events.push('close');
  }
}

/** Source → rebalance → Recorder: two tasks. */
function pipeline(source: () => TestingSourceOperator<number>, recorder: () => Recorder, checkpointsAfterTasksFinish = true) {
  const graph = new StreamGraph('final checkpoint test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const s = graph.addNode({ name: 'Source', kind: 'Source', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource: true, operatorFactory: () => source() as StreamOperator<unknown> });
  const r = graph.addNode({ name: 'Recorder', kind: 'Recorder', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'ALWAYS', isSource: false, operatorFactory: () => recorder() as StreamOperator<unknown> });
  graph.addEdge(s.id, r.id, { kind: 'rebalance' });
  const tdds = testingDeploymentDescriptors(graph).map((tdd): TaskDeploymentDescriptor => ({ ...tdd, ...(checkpointsAfterTasksFinish ? { checkpointsAfterTasksFinish } : {}) }));
  return { graph, tdds };
}

const barrier = (checkpointId: number) => ({ checkpointId, timestamp: checkpointId, location: `mem://job/chk-${checkpointId}`, alignedTimeoutMs: -1 });

describe('StreamTask: checkpoints after tasks finish (FLIP-147)', () => {
  let env: TestingTaskEnvironment;

  beforeEach(() => {
    env = new TestingTaskEnvironment().withCheckpointing(new TestingCheckpointStorage());
  });

  it('ends its data, waits for a checkpoint it takes after finishing, and finishes once that completed', async () => {
    const recorder = new Recorder();
    const { graph, tdds } = pipeline(() => new TestingSourceOperator('source', [1, 2]), () => recorder);
    const tasks = tdds.map((tdd) => new StreamTask(tdd, graph, env));
    const runs = tasks.map((t) => t.run());
    await settle();
    // Both finished their operators (end-of-data reached the recorder's task) and wait, RUNNING.
    expect(env.endOfDataReports).toBe(2);
    expect(recorder.events).toEqual(['record 1', 'record 2', 'end of event time', 'finish (final checkpoint follows: true)']);
    expect(tdds.map((tdd) => env.statesOf(tdd.attemptId).at(-1))).toEqual([E.RUNNING, E.RUNNING]);

    // The barrier still flows through the channel after end-of-data; both take part.
    tasks[0].triggerCheckpoint(barrier(1));
    await settle();
    expect(env.checkpointAcks.map((a) => [a.attemptId, a.checkpointId])).toEqual([[tdds[0].attemptId, 1], [tdds[1].attemptId, 1]]);
    expect(tdds.map((tdd) => env.statesOf(tdd.attemptId).at(-1))).toEqual([E.RUNNING, E.RUNNING]);

    for (const t of tasks) t.notifyCheckpointComplete(1);
    await expect(Promise.all(runs)).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(recorder.events.slice(4)).toEqual(['snapshot 1', 'complete 1', 'close']);
  });

  it('does not end the wait on a checkpoint it took before finishing, whose completion came after', async () => {
    const source = new TestingSourceOperator<number>('source', [1], { bounded: false });
    const recorder = new Recorder();
    const { graph, tdds } = pipeline(() => source, () => recorder);
    const tasks = tdds.map((tdd) => new StreamTask(tdd, graph, env));
    const runs = tasks.map((t) => t.run());
    await settle();
    tasks[0].triggerCheckpoint(barrier(1));
    await settle();
    source.endInput();
    await settle();
    expect(env.endOfDataReports).toBe(2);
    for (const t of tasks) t.notifyCheckpointComplete(1);
    await settle();
    expect(tdds.map((tdd) => env.statesOf(tdd.attemptId).at(-1))).toEqual([E.RUNNING, E.RUNNING]);

    tasks[0].triggerCheckpoint(barrier(2));
    await settle();
    for (const t of tasks) t.notifyCheckpointComplete(2);
    await expect(Promise.all(runs)).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(recorder.events).toEqual(['record 1', 'snapshot 1', 'end of event time', 'finish (final checkpoint follows: true)', 'complete 1', 'snapshot 2', 'complete 2', 'close']);
  });

  it('takes a trigger of its own once its producer finished, and declines one while it still reads its data', async () => {
    const recorder = new Recorder();
    const { graph, tdds } = pipeline(() => new TestingSourceOperator('source', [1]), () => recorder);
    const counter = new StreamTask(tdds[1], graph, env);
    // Triggered before its input ended (the coordinator thought its producer finished): declined, not a failed checkpoint.
    const running = counter.run();
    await settle();
    counter.triggerCheckpoint(barrier(1));
    await settle();
    expect(env.checkpointDeclines).toEqual([{ attemptId: tdds[1].attemptId, checkpointId: 1, message: 'Checkpoint 1 was aborted: Recorder (1/1)#0 still reads the data of its finished inputs', countsAsFailure: false }]);

    const source = new StreamTask(tdds[0], graph, env);
    const sourceRun = source.run();
    await settle();
    source.triggerCheckpoint(barrier(2));
    await settle();
    source.notifyCheckpointComplete(2);
    counter.notifyCheckpointComplete(2);
    await expect(sourceRun).resolves.toBe(E.FINISHED);
    // Checkpoint 2 ended the recorder's wait as well; its inputs ended: it finishes without another.
    await expect(running).resolves.toBe(E.FINISHED);
    expect(env.checkpointAcks.map((a) => a.checkpointId)).toEqual([2, 2]);
  });

  it('without checkpoints after tasks finish, ends at once and tells its operators no checkpoint follows', async () => {
    const recorder = new Recorder();
    const { graph, tdds } = pipeline(() => new TestingSourceOperator('source', [1]), () => recorder, false);
    await expect(Promise.all(tdds.map((tdd) => new StreamTask(tdd, graph, env).run()))).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(env.endOfDataReports).toBe(0);
    expect(recorder.events).toEqual(['record 1', 'end of event time', 'finish (final checkpoint follows: false)', 'close']);
  });

  it('deployed as finished (its chain had finished in the checkpoint), runs no operator: its consumer sees the end of event time and of the partition', async () => {
    const recorder = new Recorder();
    const { graph, tdds } = pipeline(() => {
      throw new Error('a finished source must not be created again');
    }, () => recorder);
    const finishedSource: TaskDeploymentDescriptor = { ...tdds[0], restore: { checkpointId: 4, operators: {}, finishedOnRestore: true } };
    const recorderTask = new StreamTask(tdds[1], graph, env);
    const runs = [new StreamTask(finishedSource, graph, env).run(), recorderTask.run()];
    await expect(runs[0]).resolves.toBe(E.FINISHED);
    await settle();
    expect(env.statesOf(finishedSource.attemptId)).toEqual([E.INITIALIZING, E.RUNNING, E.FINISHED]);
    expect(recorder.events).toEqual(['end of event time', 'finish (final checkpoint follows: true)']);
    // Its producer finished: the recorder is triggered directly for its final checkpoint.
    recorderTask.triggerCheckpoint(barrier(5));
    await settle();
    recorderTask.notifyCheckpointComplete(5);
    await expect(runs[1]).resolves.toBe(E.FINISHED);
    expect(recorder.events.slice(2)).toEqual(['snapshot 5', 'complete 5', 'close']);
  });
});
