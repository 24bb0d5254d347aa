import { ListStateDescriptor, type ListState } from '@flott/core';
import { decodeKeyedStateFile, decodeOperatorStateFile } from '../checkpoint/format';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { ExecutionState as E } from '../execution/execution-state';
import { StreamGraph } from '../graph/stream-graph';
import { AbstractStreamOperator } from '../operators/abstract-stream-operator';
import type { OneInputStreamOperator, StateInitializationContext, StreamOperator } from '../operators/stream-operator';
import { InMemoryKeyedStateBackend } from '../operators/testing/in-memory-keyed-state-backend';
import type { InternalTimerService } from '../operators/timers/timer-service';
import type { KeyedStateBackendParameters, StateBackend } from '../spi/state-backend';
import { settle } from '../testing/settle';
import { TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingSourceOperator } from '../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../testing/testing-task-environment';
import { StreamTask } from './stream-task';

const COUNT = { name: 'count', kind: 'value' as const };

/**
 * Counts records per key in keyed state, registers an event-time timer at the value × 100 and emits
 * `key:count` per record and `timer key@time` when a timer fires; keeps the checkpoints it heard of
 * in operator list state, so the test sees keyed state, timers and operator state restored.
 */
class KeyedCounter extends AbstractStreamOperator<string> implements OneInputStreamOperator<number, string> {
  readonly out: string[] = [];
  readonly notified: string[] = [];
  private timers!: InternalTimerService<null>;
  private heard!: ListState<number>;
  restoredFrom: number | undefined;

  initializeState(context: StateInitializationContext): void {
    this.heard = context.operatorStateStore.getListState(new ListStateDescriptor<number>('heard'));
    this.restoredFrom = context.restoredCheckpointId;
  }

  override open(): void {
    this.timers = this.env.timeServiceManager!.getInternalTimerService<null>('counter-timers', {
      onEventTime: (t) => this.out.push(`timer ${String(t.key)}@${t.timestamp}`),
      onProcessingTime: () => undefined,
    });
  }

  processElement(value: number): void {
    const backend = this.env.keyedStateBackend!;
    const count = ((backend.get(COUNT) as number | undefined) ?? 0) + 1;
    backend.put(COUNT, count);
    this.timers.registerEventTimeTimer(null, value * 100);
    this.out.push(`${value}:${count}`);
  }

  processWatermark(watermark: number): void {
    this.env.timeServiceManager!.advanceWatermark(watermark);
  }

  snapshotState(): void {
    this.notified.push('snapshot');
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.heard.add(checkpointId);
    this.notified.push(`complete ${checkpointId}`);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.notified.push(`aborted ${checkpointId}`);
  }

  heardOf(): number[] {
    return this.heard.get();
  }
}

const inMemoryStateBackend: StateBackend = {
  name: 'in-memory',
  createKeyedStateBackend: (params: KeyedStateBackendParameters) => new InMemoryKeyedStateBackend(params.keyGroupRange, params),
};

/** Source → keyBy(value) → KeyedCounter: two tasks, a hash edge between them. */
function pipeline(source: TestingSourceOperator<number>, counter: () => KeyedCounter) {
  const graph = new StreamGraph('checkpointed task test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const s = graph.addNode({ name: 'Source', kind: 'Source', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'HEAD', isSource: true, operatorFactory: () => source as StreamOperator<unknown> });
  const c = graph.addNode({
    name: 'Counter', kind: 'Counter', parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: 'ALWAYS', isSource: false,
    operatorFactory: () => counter() as StreamOperator<unknown>,
    stateKeySelector: (v) => v,
  });
  graph.addEdge(s.id, c.id, { kind: 'hash', keySelector: (v) => v });
  return { graph, tdds: testingDeploymentDescriptors(graph) };
}

describe('StreamTask checkpoints', () => {
  let env: TestingTaskEnvironment;
  let storage: TestingCheckpointStorage;

  beforeEach(() => {
    storage = new TestingCheckpointStorage();
    env = new TestingTaskEnvironment({ stateBackend: inMemoryStateBackend }).withCheckpointing(storage);
  });

  it('snapshots keyed state, timers and operator state at the barrier, and a new attempt restores them', async () => {
    const source = new TestingSourceOperator<number>('source', [], { bounded: false });
    const first = new KeyedCounter();
    const { graph, tdds } = pipeline(source, () => first);
    const [sourceTdd, counterTdd] = tdds;
    const runs = [new StreamTask(sourceTdd, graph, env), new StreamTask(counterTdd, graph, env)];
    const running = runs.map((t) => t.run());
    await env.whenState(counterTdd.attemptId, E.RUNNING);

    source.add(1, 2, 1);
    await settle();
    env.clock.advance(100);
    await settle();
    expect(first.out).toEqual(['1:1', '2:1', '1:2']);

    runs[0].triggerCheckpoint({ checkpointId: 1, timestamp: 5_000, location: 'mem://job/chk-1', alignedTimeoutMs: -1 });
    await settle();
    expect(env.checkpointAcks.map((a) => [a.attemptId, a.checkpointId])).toEqual([[sourceTdd.attemptId, 1], [counterTdd.attemptId, 1]]);
    expect(env.checkpointAcks[0].state).toEqual({});
    // The manual clock stood still: both parts took 0 ms by it.
    expect(env.checkpointAcks.map((a) => a.metrics)).toEqual([{ syncDurationMs: 0, asyncDurationMs: 0 }, { syncDurationMs: 0, asyncDurationMs: 0 }]);
    const counterOp = counterTdd.vertex.operators[0].operatorId;
    const counterState = env.checkpointAcks[1].state[counterOp];
    expect(first.notified).toEqual(['snapshot']);
    // Records after the barrier are not in the snapshot.
    source.add(2);
    await settle();
    env.clock.advance(100);
    await settle();
    expect(first.out).toEqual(['1:1', '2:1', '1:2', '2:2']);

    runs[1].notifyCheckpointComplete(1);
    await settle();
    expect(first.notified).toEqual(['snapshot', 'complete 1']);

    // The keyed file holds the counts as of the barrier and both timers.
    const keyed = decodeKeyedStateFile(await storage.readState(counterState.keyed!.handle), 'keyed');
    const entries = keyed.groups.flatMap((g) => g.states.flatMap((s) => s.entries.map((e) => [s.name, e.key, e.value])));
    expect(entries.sort()).toEqual([['count', 1, 2], ['count', 2, 1]]);
    const timers = keyed.groups.flatMap((g) => g.timers.flatMap((t) => t.eventTime.map((e) => `${t.service} ${String(e.key)}@${e.timestamp}`)));
    expect(timers.sort()).toEqual(['counter-timers 1@100', 'counter-timers 2@200']);
    // The list state was registered but empty at the barrier.
    expect(decodeOperatorStateFile(await storage.readState(counterState.operator!), 'op')).toEqual({ states: [{ name: 'heard', mode: 'SPLIT_DISTRIBUTE', values: [] }] });

    for (const t of runs) t.cancel();
    await Promise.all(running);

    // A second attempt of the counter starts from checkpoint 1.
    const second = new KeyedCounter();
    const again = pipeline(new TestingSourceOperator<number>('source', [2, 1], { bounded: true }), () => second);
    const restoredTdd: TaskDeploymentDescriptor = {
      ...again.tdds[1],
      attemptId: `${again.tdds[1].attemptId}-2`,
      restore: { checkpointId: 1, operators: { [counterOp]: { keyed: [counterState.keyed!], operator: [undefined] } } },
    };
    const sourceAgain = new StreamTask(again.tdds[0], again.graph, env).run();
    const counterAgain = new StreamTask(restoredTdd, again.graph, env).run();
    await expect(Promise.all([sourceAgain, counterAgain])).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(second.restoredFrom).toBe(1);
    // Counts continue from the snapshot (not from 2:2), and the restored timers fire at the end of input.
    expect(second.out).toEqual(['2:2', '1:3', 'timer 1@100', 'timer 2@200']);
  });

  it('takes operator state along and gives it back to the restored operator', async () => {
    const source = new TestingSourceOperator<number>('source', [], { bounded: false });
    const counter = new KeyedCounter();
    const { graph, tdds } = pipeline(source, () => counter);
    const runs = tdds.map((tdd) => new StreamTask(tdd, graph, env));
    const running = runs.map((t) => t.run());
    await env.whenState(tdds[1].attemptId, E.RUNNING);
    runs[0].triggerCheckpoint({ checkpointId: 1, timestamp: 1, location: 'mem://job/chk-1', alignedTimeoutMs: -1 });
    await settle();
    runs[1].notifyCheckpointComplete(1);
    runs[0].triggerCheckpoint({ checkpointId: 2, timestamp: 2, location: 'mem://job/chk-2', alignedTimeoutMs: -1 });
    await settle();
    const counterOp = tdds[1].vertex.operators[0].operatorId;
    const state = env.checkpointAcks.find((a) => a.checkpointId === 2 && a.attemptId === tdds[1].attemptId)!.state[counterOp];
    expect(decodeOperatorStateFile(await storage.readState(state.operator!), 'op')).toEqual({ states: [{ name: 'heard', mode: 'SPLIT_DISTRIBUTE', values: [1] }] });
    for (const t of runs) t.cancel();
    await Promise.all(running);
    expect(counter.heardOf()).toEqual([1]);
  });

  it('declines a checkpoint while it is not processing, and when the storage fails', async () => {
    const source = new TestingSourceOperator<number>('source', [1], { bounded: true });
    const { graph, tdds } = pipeline(source, () => new KeyedCounter());
    const task = new StreamTask(tdds[0], graph, env);
    task.triggerCheckpoint({ checkpointId: 1, timestamp: 1, location: 'mem://job/chk-1', alignedTimeoutMs: -1 }); // before the task runs
    const counter = new StreamTask(tdds[1], graph, env);
    await Promise.all([task.run(), counter.run()]);
    task.triggerCheckpoint({ checkpointId: 3, timestamp: 3, location: 'mem://job/chk-3', alignedTimeoutMs: -1 }); // after it finished
    expect(env.checkpointDeclines).toEqual([1, 3].map((checkpointId) => ({
      attemptId: tdds[0].attemptId,
      checkpointId,
      message: `Checkpoint ${checkpointId} was aborted: Source (1/1)#0 is not processing`,
      countsAsFailure: false,
    })));

    storage.failWrites = true;
    const unbounded = new TestingSourceOperator<number>('source', [3], { bounded: false });
    const again = pipeline(unbounded, () => new KeyedCounter());
    const runs = again.tdds.map((tdd) => new StreamTask({ ...tdd, attemptId: `${tdd.attemptId}-b` }, again.graph, env));
    const running = runs.map((t) => t.run());
    await settle();
    env.clock.advance(100);
    runs[0].triggerCheckpoint({ checkpointId: 2, timestamp: 2, location: 'mem://job/chk-2', alignedTimeoutMs: -1 });
    await settle();
    expect(env.checkpointDeclines.slice(2).map((d) => [d.checkpointId, d.message, d.countsAsFailure])).toEqual([[2, 'storage is down', true]]);
    for (const t of runs) t.cancel();
    await expect(Promise.all(running)).resolves.toEqual([E.CANCELED, E.CANCELED]);
  });
});

