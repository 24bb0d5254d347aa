import { AsyncRetryStrategies, type AsyncRetryStrategy } from '@flott/core';
import { ExecutionState as E } from '../../execution/execution-state';
import { StreamGraph } from '../../graph/stream-graph';
import { StreamTask } from '../../taskexecutor/stream-task';
import type { PostCheckpointAction } from '../../snapshot/snapshot-data';
import { settle, settleUntil } from '../../testing/settle';
import { TestingCheckpointStorage } from '../../testing/testing-checkpoint-services';
import { testingDeploymentDescriptors } from '../../testing/testing-deployment';
import { TestingOneInputOperator, TestingSourceOperator } from '../../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../../testing/testing-task-environment';
import type { StreamOperator } from '../stream-operator';
import { AsyncWaitOperator, type AsyncOutputMode } from './async-wait-operator';

/** A promise function whose answers the test gives, one request at a time. */
class ControlledService {
  readonly pending = new Map<number, { resolve: (v: string) => void; reject: (e: unknown) => void }>();
  mostInFlight = 0;
  readonly fn = (x: number): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      this.pending.set(x, { resolve, reject });
      this.mostInFlight = Math.max(this.mostInFlight, this.pending.size);
    });
  answer(x: number, value = `r${x}`): void {
    this.pending.get(x)!.resolve(value);
    this.pending.delete(x);
  }
  fail(x: number, error: Error): void {
    this.pending.get(x)!.reject(error);
    this.pending.delete(x);
  }
}

/** Source → async stage → sink, chained into one task. */
function asyncTask(
  env: TestingTaskEnvironment,
  values: number[] | 'unbounded',
  service: ControlledService,
  capacity: number,
  mode: AsyncOutputMode = 'ORDERED',
  timeoutMs = 60_000,
  retryStrategy?: AsyncRetryStrategy<string>,
) {
  const source = values === 'unbounded' ? new TestingSourceOperator<number>('source', [], { bounded: false }) : new TestingSourceOperator<number>('source', values);
  const sink = new TestingOneInputOperator<string>('sink');
  const graph = new StreamGraph('async task test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const node = (name: string, operator: StreamOperator<unknown>, isSource = false) =>
    graph.addNode({ name, kind: name, parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: isSource ? 'HEAD' : 'ALWAYS', isSource, operatorFactory: () => operator });
  const s = node('Source: numbers', source as StreamOperator<unknown>, true);
  const a = node('async wait operator', new AsyncWaitOperator<number, string>(service.fn, { timeoutMs, capacity, outputMode: mode, retryStrategy }) as StreamOperator<unknown>);
  const k = node('Sink', sink as StreamOperator<unknown>);
  graph.addEdge(s.id, a.id, { kind: 'forward' });
  graph.addEdge(a.id, k.id, { kind: 'forward' });
  const [tdd] = testingDeploymentDescriptors(graph);
  const task = new StreamTask(tdd, graph, env);
  const stop = (action: PostCheckpointAction) => task.triggerCheckpoint({ checkpointId: 1, timestamp: 1, location: 'mem://job/savepoint-1', alignedTimeoutMs: -1, postCheckpointAction: action });
  return { task, sink, tdd, source, stop };
}

describe('AsyncWaitOperator in a StreamTask', () => {
  it('the task stops taking input at capacity, resumes from the mailbox as answers arrive, and finishes only after the last answer', async () => {
    const env = new TestingTaskEnvironment();
    const service = new ControlledService();
    const { task, sink } = asyncTask(env, [1, 2, 3, 4, 5], service, 2);
    let state: E | undefined;
    void task.run().then((s) => (state = s));
    await settleUntil(() => service.pending.size === 2);
    await settle();
    expect([...service.pending.keys()]).toEqual([1, 2]);
    service.answer(2);
    await settle();
    expect(sink.received).toEqual([]); // 1 is still out: ordered
    service.answer(1);
    await settleUntil(() => service.pending.size === 2 && service.pending.has(4));
    expect(sink.received).toEqual(['r1', 'r2']);
    service.answer(3);
    service.answer(4);
    await settleUntil(() => service.pending.has(5));
    // The source ended; end of input waits for the request still out.
    await settle();
    expect(state).toBeUndefined();
    service.answer(5);
    await settleUntil(() => state !== undefined);
    expect(state).toBe(E.FINISHED);
    expect(sink.received).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(service.mostInFlight).toBe(2);
  });

  it('a task cancelled while end of input waits for hung requests ends CANCELED and leaves no timer', async () => {
    const env = new TestingTaskEnvironment();
    const service = new ControlledService();
    const { task } = asyncTask(env, [1, 2], service, 10, 'UNORDERED', 1000);
    const running = task.run();
    await settleUntil(() => service.pending.size === 2);
    await settle();
    task.cancel();
    await expect(running).resolves.toBe(E.CANCELED);
    // The timeout would have fired at 1000 ms: nothing runs any more.
    env.clock.advance(5000);
    await settle();
    expect(env.states.map((s) => s.state)).toEqual([E.INITIALIZING, E.RUNNING, E.CANCELED]);
  });

  it('a rejected promise fails the task with the user error as its cause', async () => {
    const env = new TestingTaskEnvironment();
    const service = new ControlledService();
    const { task } = asyncTask(env, [1, 2, 3], service, 10);
    const running = task.run();
    await settleUntil(() => service.pending.size === 3);
    service.fail(2, new Error('lookup failed for 2'));
    await expect(running).resolves.toBe(E.FAILED);
    const failed = env.states.find((s) => s.state === E.FAILED)!;
    expect(failed.error?.message).toContain('lookup failed for 2');
    expect(failed.error?.cause?.stack).toContain('lookup failed for 2');
  });

  it('the timeout fails the task with an error naming the operator', async () => {
    const env = new TestingTaskEnvironment();
    const service = new ControlledService();
    const { task } = asyncTask(env, [1], service, 10, 'ORDERED', 1000);
    const running = task.run();
    await settleUntil(() => service.pending.size === 1);
    env.clock.advance(1000);
    await expect(running).resolves.toBe(E.FAILED);
    const failed = env.states.find((s) => s.state === E.FAILED)!;
    expect(failed.error?.message).toContain("Async function of operator 'async wait operator' timed out: no result within 1000 ms for input 1");
  });

  it('stop with a drain (TERMINATE): end of input waits for the requests, their retries still fire, and everything goes out before the barrier', async () => {
    const env = new TestingTaskEnvironment().withCheckpointing(new TestingCheckpointStorage());
    const service = new ControlledService();
    const retry = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<string>(3, 100).ifResult((r) => r.includes('retry me')).build();
    const { task, sink, source, stop } = asyncTask(env, 'unbounded', service, 10, 'ORDERED', 60_000, retry);
    const running = task.run();
    await settleUntil(() => env.states.some((u) => u.state === E.RUNNING));
    source.add(1, 2);
    await settleUntil(() => service.pending.size === 2);
    service.answer(1, 'retry me');
    await settle();
    stop('TERMINATE');
    await settle();
    service.answer(2);
    await settle();
    expect(env.checkpointAcks).toEqual([]); // still draining: request 1 waits for its retry
    env.clock.advance(100);
    await settleUntil(() => service.pending.has(1));
    service.answer(1);
    await settleUntil(() => env.checkpointAcks.length === 1);
    expect(sink.received).toEqual(['r1', 'r2']);
    task.notifyCheckpointComplete(1);
    await expect(running).resolves.toBe(E.FINISHED);
  });

  it('stop without a drain (SUSPEND): an answer arriving after the barrier is not emitted; the request is in the savepoint', async () => {
    const env = new TestingTaskEnvironment().withCheckpointing(new TestingCheckpointStorage());
    const service = new ControlledService();
    const { task, sink, source, stop } = asyncTask(env, 'unbounded', service, 10);
    const running = task.run();
    await settleUntil(() => env.states.some((u) => u.state === E.RUNNING));
    source.add(1);
    await settleUntil(() => service.pending.size === 1);
    stop('SUSPEND');
    await settleUntil(() => env.checkpointAcks.length === 1);
    service.answer(1);
    await settle();
    task.notifyCheckpointComplete(1);
    await expect(running).resolves.toBe(E.FINISHED);
    expect(sink.received).toEqual([]);
    // The chain's operator state (one inline blob): the async stage's list state holds record 1.
    const [chainState] = Object.values(env.checkpointAcks[0].state as unknown as Record<string, { operator: { data: Uint8Array } }>);
    const bytes = Buffer.from(chainState.operator.data).toString('latin1');
    expect(bytes).toContain('_async_wait_operator_state_');
    expect(bytes).toContain('record');
  });
});
