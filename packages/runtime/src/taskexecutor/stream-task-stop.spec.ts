import type { OneInputStreamOperator, StreamOperator } from '../operators/stream-operator';
import { AbstractStreamOperator } from '../operators/abstract-stream-operator';
import type { InternalTimerService } from '../operators/timers/timer-service';
import { ExecutionState as E } from '../execution/execution-state';
import { StreamGraph } from '../graph/stream-graph';
import { InMemoryKeyedStateBackend } from '../operators/testing/in-memory-keyed-state-backend';
import type { PostCheckpointAction } from '../snapshot/snapshot-data';
import type { KeyedStateBackendParameters, StateBackend } from '../spi/state-backend';
import { settle } from '../testing/settle';
import { TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingSourceOperator } from '../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../testing/testing-task-environment';
import { StreamTask } from './stream-task';

/**
 * Registers an event-time timer at value × 100 per record (a stand-in for a window's end) and a
 * processing-time timer 500 ms on, and logs, in order, the records, the timers that fired, finish
 * (endInput), snapshots and notifications.
 */
class EventTimeLogger extends AbstractStreamOperator<string> implements OneInputStreamOperator<number, string> {
  readonly log: string[] = [];
  private timers!: InternalTimerService<null>;

  override open(): void {
    this.timers = this.env.timeServiceManager!.getInternalTimerService<null>('windows', {
      onEventTime: (t) => this.log.push(`fire ${t.timestamp}`),
      onProcessingTime: (t) => this.log.push(`processing-time ${t.timestamp}`),
    });
  }

  processElement(value: number): void {
    this.timers.registerEventTimeTimer(null, value * 100);
    this.timers.registerProcessingTimeTimer(null, this.timers.currentProcessingTime() + 500);
    this.log.push(`record ${value}`);
  }

  processWatermark(watermark: number): void {
    this.env.timeServiceManager!.advanceWatermark(watermark);
  }

  override finish(): void {
    this.log.push('finish');
  }

  snapshotState(): void {
    this.log.push('snapshot');
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.log.push(`complete ${checkpointId}`);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.log.push(`aborted ${checkpointId}`);
  }
}

const inMemoryStateBackend: StateBackend = {
  name: 'in-memory',
  createKeyedStateBackend: (params: KeyedStateBackendParameters) => new InMemoryKeyedStateBackend(params.keyGroupRange, params),
};

/** Source → keyBy → EventTimeLogger, two tasks connected by the network; both running. */
async function runningPipeline(env: TestingTaskEnvironment) {
  const source = new TestingSourceOperator<number>('source', [], { bounded: false });
  const op = new EventTimeLogger();
  const graph = new StreamGraph('stop test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const s = graph.addNode({ name: 'Source', kind: 'Source', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource: true, operatorFactory: () => source as StreamOperator<unknown> });
  const w = graph.addNode({
    name: 'Windows', kind: 'Windows', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'ALWAYS', isSource: false,
    operatorFactory: () => op as StreamOperator<unknown>, stateKeySelector: (v) => v,
  });
  graph.addEdge(s.id, w.id, { kind: 'hash', keySelector: (v) => v });
  const tdds = testingDeploymentDescriptors(graph);
  const tasks = tdds.map((tdd) => new StreamTask(tdd, graph, env));
  const running = Promise.all(tasks.map((t) => t.run()));
  await env.whenState(tdds[1].attemptId, E.RUNNING);
  source.add(1, 2);
  await settle();
  // Handed over in this thread: the records reach the operator when the source task yields, at the clock's time now.
  expect(op.log).toEqual(['record 1', 'record 2']);
  const timersDueAt = env.clock.currentTimeMillis() + 500;
  env.clock.advance(100);
  await settle();
  const stop = (action: PostCheckpointAction) => tasks[0].triggerCheckpoint({ checkpointId: 1, timestamp: 1, location: 'mem://job/savepoint-1', alignedTimeoutMs: -1, postCheckpointAction: action });
  return { source, op, tasks, tdds, running, stop, timersDueAt };
}

describe('StreamTask stop-with-savepoint', () => {
  let env: TestingTaskEnvironment;

  beforeEach(() => {
    env = new TestingTaskEnvironment({ stateBackend: inMemoryStateBackend }).withCheckpointing(new TestingCheckpointStorage());
  });

  it('SUSPEND: the source emits nothing after the barrier, the tasks wait for the completion, then finish without draining', async () => {
    const { source, op, tasks, tdds, running, stop } = await runningPipeline(env);
    stop('SUSPEND');
    await settle();
    expect(env.checkpointAcks.map((a) => [a.attemptId, a.checkpointId])).toEqual([[tdds[0].attemptId, 1], [tdds[1].attemptId, 1]]);
    // A checkpoint triggered meanwhile is declined (not counted as a failure): nothing follows the stop's barrier.
    tasks[0].triggerCheckpoint({ checkpointId: 2, timestamp: 2, location: 'mem://job/chk-2', alignedTimeoutMs: -1 });
    await settle();
    expect(env.checkpointDeclines).toEqual([{ attemptId: tdds[0].attemptId, checkpointId: 2, message: 'Checkpoint 2 was aborted: Source (1/1)#0 is not processing', countsAsFailure: false }]);
    // Records the source holds are not polled any more, processing-time timers that came due are held;
    // the tasks still run, waiting for the outcome.
    source.add(3);
    await settle();
    env.clock.advance(1_000);
    await settle();
    expect(source.emitted).toBe(2);
    expect(tdds.map((t) => env.statesOf(t.attemptId).at(-1))).toEqual([E.RUNNING, E.RUNNING]);

    for (const t of tasks) t.notifyCheckpointComplete(1);
    await expect(running).resolves.toEqual([E.FINISHED, E.FINISHED]);
    // No end of event time (the timers did not fire), no processing-time timer, no finish: the savepoint holds them.
    expect(op.log).toEqual(['record 1', 'record 2', 'snapshot', 'complete 1']);
  });

  it('TERMINATE: event time ends and every operator finishes before the snapshot; the tasks finish once it completed', async () => {
    const { op, tasks, running, stop } = await runningPipeline(env);
    stop('TERMINATE');
    await settle();
    expect(op.log).toEqual(['record 1', 'record 2', 'fire 100', 'fire 200', 'finish', 'snapshot']);
    expect(env.checkpointAcks.map((a) => a.checkpointId)).toEqual([1, 1]);
    for (const t of tasks) t.notifyCheckpointComplete(1);
    await expect(running).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(op.log.slice(6)).toEqual(['complete 1']);
  });

  it('SUSPEND whose savepoint was aborted: the tasks go on processing', async () => {
    const { source, op, tasks, running, stop, timersDueAt } = await runningPipeline(env);
    stop('SUSPEND');
    await settle();
    env.clock.advance(500);
    await settle();
    expect(op.log).toEqual(['record 1', 'record 2', 'snapshot']);
    source.add(3);
    for (const t of tasks) t.notifyCheckpointAborted(1);
    await settle();
    env.clock.advance(100);
    await settle();
    // The held processing-time timers fire once the task goes on.
    expect(op.log).toEqual(['record 1', 'record 2', 'snapshot', 'aborted 1', `processing-time ${timersDueAt}`, `processing-time ${timersDueAt}`, 'record 3']);
    source.endInput();
    await expect(running).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(op.log.slice(7)).toEqual(['fire 100', 'fire 200', 'fire 300', 'finish']);
  });

  it('TERMINATE whose savepoint was aborted: the drained tasks fail (the job fails over)', async () => {
    const { tasks, tdds, running, stop } = await runningPipeline(env);
    stop('TERMINATE');
    await settle();
    for (const t of tasks) t.notifyCheckpointAborted(1);
    await expect(running).resolves.toEqual([E.FAILED, E.FAILED]);
    const failure = env.states.find((u) => u.attemptId === tdds[1].attemptId && u.state === E.FAILED)!.error!;
    expect(failure.message).toBe(
      'Task Windows (1/1)#0 failed: Stop-with-savepoint failed: savepoint 1 was aborted after Windows (1/1)#0 had drained (its operators finished); ' +
        'the task fails so that the job restarts from its latest checkpoint',
    );
  });
});
