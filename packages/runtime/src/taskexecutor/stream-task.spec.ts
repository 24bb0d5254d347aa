import { ExecutionState as E } from '../execution/execution-state';
import type { PartitionerKind } from '../deployment/job-graph';
import { StreamGraph } from '../graph/stream-graph';
import { MAX_WATERMARK } from '@flott/core';
import type { StreamOperator } from '../operators/stream-operator';
import { settle } from '../testing/settle';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingOneInputOperator, TestingSourceOperator } from '../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../testing/testing-task-environment';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { TimestampsAndWatermarksOperator } from '../operators/watermarks/timestamps-and-watermarks-operator';
import { AscendingTimestampsWatermarks } from '@flott/core';
import { StreamTask } from './stream-task';

const BUFFER_TIMEOUT_MS = 100;

/** Source -> Map -> Sink at parallelism 1; `exchange` forward chains them into one task, anything else splits after the source. */
function pipeline(source: TestingSourceOperator<number>, map: TestingOneInputOperator<number>, sink: TestingOneInputOperator<number>, exchange: PartitionerKind = 'forward') {
  const graph = new StreamGraph('stream task test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: BUFFER_TIMEOUT_MS, runtimeMode: 'STREAMING', chainingEnabled: true });
  const node = (name: string, operator: StreamOperator<unknown>, isSource = false) =>
    graph.addNode({ name, kind: name, parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: isSource ? 'HEAD' : 'ALWAYS', isSource, operatorFactory: () => operator });
  const s = node('Source: numbers', source as StreamOperator<unknown>, true);
  const m = node('Map', map as StreamOperator<unknown>);
  const k = node('Sink', sink as StreamOperator<unknown>);
  graph.addEdge(s.id, m.id, { kind: exchange });
  graph.addEdge(m.id, k.id, { kind: 'forward' });
  return { graph, tdds: testingDeploymentDescriptors(graph) };
}

describe('StreamTask', () => {
  let log: string[];
  let env: TestingTaskEnvironment;
  let source: TestingSourceOperator<number>;
  let map: TestingOneInputOperator<number>;
  let sink: TestingOneInputOperator<number>;

  beforeEach(() => {
    log = [];
    env = new TestingTaskEnvironment();
    source = new TestingSourceOperator('source', [1, 2, 3], { log });
    map = new TestingOneInputOperator<number>('map', { map: (x) => x * 10, log });
    sink = new TestingOneInputOperator<number>('sink', { log });
  });

  const chainedTask = (): { task: StreamTask; tdd: TaskDeploymentDescriptor } => {
    const { graph, tdds } = pipeline(source, map, sink);
    expect(tdds).toHaveLength(1);
    return { task: new StreamTask(tdds[0], graph, env), tdd: tdds[0] };
  };

  it('runs a chain to FINISHED, reporting INITIALIZING -> RUNNING -> FINISHED, with the life cycle in Flink order', async () => {
    const { task, tdd } = chainedTask();
    expect(tdd.vertex.name).toBe('Source: numbers -> Map -> Sink');

    await expect(task.run()).resolves.toBe(E.FINISHED);

    expect(env.states).toEqual([
      { jobId: tdd.jobId, attemptId: tdd.attemptId, state: E.INITIALIZING },
      { jobId: tdd.jobId, attemptId: tdd.attemptId, state: E.RUNNING },
      { jobId: tdd.jobId, attemptId: tdd.attemptId, state: E.FINISHED, accumulators: {} },
    ]);
    expect(sink.received).toEqual([10, 20, 30]);
    // A bounded source ends event time.
    expect(sink.watermarks).toEqual([MAX_WATERMARK]);
    expect(log).toEqual(['sink.open', 'map.open', 'source.open', 'source.finish', 'map.finish', 'sink.finish', 'source.close', 'map.close', 'sink.close']);
    expect(env.clock.currentTimeMillis()).toBe(0);
  });

  it('moves records between two tasks through an in-memory partition, flushed on the buffer timeout of the manual clock', async () => {
    // Serialised: records handed over as objects in this thread go when the producer yields (next test).
    env = new TestingTaskEnvironment({ network: { localHandOver: 'off' } });
    const unbounded = new TestingSourceOperator<number>('source', [], { bounded: false, log });
    const { graph, tdds } = pipeline(unbounded, map, sink, 'rebalance');
    expect(tdds.map((t) => t.vertex.name)).toEqual(['Source: numbers', 'Map -> Sink']);
    const [producerTdd, consumerTdd] = tdds;
    expect(consumerTdd.inputs[0].channels.map((c) => c.partitionKey)).toEqual([producerTdd.outputs[0].partitionKey]);
    const producer = new StreamTask(producerTdd, graph, env).run();
    const consumer = new StreamTask(consumerTdd, graph, env).run();
    await env.whenState(producerTdd.attemptId, E.RUNNING);
    await env.whenState(consumerTdd.attemptId, E.RUNNING);

    unbounded.add(1, 2, 3);
    await settle();
    expect(map.received).toEqual([]);
    env.clock.advance(BUFFER_TIMEOUT_MS - 1);
    await settle();
    expect(map.received).toEqual([]);
    env.clock.advance(1);
    await settle();
    expect(map.received).toEqual([1, 2, 3]);
    expect(sink.received).toEqual([10, 20, 30]);

    unbounded.endInput();
    await expect(Promise.all([producer, consumer])).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(env.statesOf(producerTdd.attemptId)).toEqual([E.INITIALIZING, E.RUNNING, E.FINISHED]);
    expect(env.statesOf(consumerTdd.attemptId)).toEqual([E.INITIALIZING, E.RUNNING, E.FINISHED]);
    expect(sink.watermarks).toEqual([MAX_WATERMARK]);
  });

  it('hands records over in this thread when the producer yields, without waiting for the buffer timeout or a full segment', async () => {
    const unbounded = new TestingSourceOperator<number>('source', [], { bounded: false, log }).withOpen((opEnv) => {
      opEnv.scheduler.schedule(BUFFER_TIMEOUT_MS / 2, () => opEnv.output.collect(5, 0));
    });
    const { graph, tdds } = pipeline(unbounded, map, sink, 'rebalance');
    const [producerTdd, consumerTdd] = tdds;
    const producer = new StreamTask(producerTdd, graph, env).run();
    const consumer = new StreamTask(consumerTdd, graph, env).run();
    await env.whenState(consumerTdd.attemptId, E.RUNNING);

    unbounded.add(1, 2, 3);
    await settle();
    // The clock stood still: no buffer timeout passed, and three records fill no segment.
    expect(env.network.recordsPerSegment).toBeGreaterThan(3);
    expect(map.received).toEqual([1, 2, 3]);
    expect(sink.received).toEqual([10, 20, 30]);
    unbounded.add(4);
    await settle();
    expect(sink.received).toEqual([10, 20, 30, 40]);
    // Emitted by a timer of the producer's task: handed over when the timer's turn ends.
    env.clock.advance(BUFFER_TIMEOUT_MS / 2);
    await settle();
    expect(sink.received).toEqual([10, 20, 30, 40, 50]);

    unbounded.endInput();
    await expect(Promise.all([producer, consumer])).resolves.toEqual([E.FINISHED, E.FINISHED]);
  });

  it('arms the buffer-timeout flush only in a task that has outputs', async () => {
    const unbounded = new TestingSourceOperator<number>('source', [], { bounded: false, log });
    const { graph, tdds } = pipeline(unbounded, map, sink);
    const running = new StreamTask(tdds[0], graph, env).run();
    await env.whenState(tdds[0].attemptId, E.RUNNING);
    // Source -> Map -> Sink chained: nothing to flush, so no timer wakes the thread.
    expect(env.clock.nextTimerAt()).toBeUndefined();
    unbounded.endInput();
    await expect(running).resolves.toBe(E.FINISHED);

    // The source alone, its records going out through a partition: flushed every buffer timeout.
    const split = pipeline(new TestingSourceOperator<number>('source', [], { bounded: false, log }), map, sink, 'rebalance');
    const producer = new StreamTask(split.tdds[0], split.graph, env);
    const producing = producer.run();
    await env.whenState(producer.attemptId, E.RUNNING);
    expect(env.clock.nextTimerAt()).toBe(BUFFER_TIMEOUT_MS);
    producer.cancel();
    await expect(producing).resolves.toBe(E.CANCELED);
    expect(env.clock.nextTimerAt()).toBeUndefined();
  });

  it('fails with the error of an operator that throws in open(), and closes every operator', async () => {
    map.withOpen(() => {
      throw new Error('cannot reach the database');
    });
    const { task, tdd } = chainedTask();

    await expect(task.run()).resolves.toBe(E.FAILED);

    expect(env.statesOf(tdd.attemptId)).toEqual([E.INITIALIZING, E.FAILED]);
    expect(env.states[1].error).toMatchObject({
      code: 'TASK_FAILED',
      message: 'Task Source: numbers -> Map -> Sink (1/1)#0 failed: cannot reach the database',
      data: { task: 'Source: numbers -> Map -> Sink', subtaskIndex: 0, attemptNumber: 0 },
      cause: { code: 'USER_ERROR', name: 'Error', message: 'cannot reach the database' },
    });
    expect(log).toEqual(['sink.open', 'map.open', 'source.close', 'map.close', 'sink.close']);
    expect(sink.received).toEqual([]);
  });

  it('cancel while running: CANCELED, the source canceled and every operator closed without finishing', async () => {
    const unbounded = new TestingSourceOperator<number>('source', [1], { bounded: false, log });
    const { graph, tdds } = pipeline(unbounded, map, sink);
    const task = new StreamTask(tdds[0], graph, env);
    const running = task.run();
    await env.whenState(task.attemptId, E.RUNNING);
    await settle();
    expect(sink.received).toEqual([10]);

    task.cancel();
    await expect(running).resolves.toBe(E.CANCELED);

    expect(env.statesOf(task.attemptId)).toEqual([E.INITIALIZING, E.RUNNING, E.CANCELED]);
    expect(env.states[2].error).toBeUndefined();
    expect(log).toEqual(['sink.open', 'map.open', 'source.open', 'source.cancel', 'source.close', 'map.close', 'sink.close']);
    // The buffer-timeout flush stopped with the task.
    env.clock.advance(10 * BUFFER_TIMEOUT_MS);
    await settle();
    expect(env.states).toHaveLength(3);
  });

  it('cancel while an operator is still opening: CANCELED without ever RUNNING', async () => {
    let opened!: () => void;
    map.withOpen(() => new Promise<void>((resolve) => (opened = resolve)));
    const { task, tdd } = chainedTask();
    const running = task.run();
    await settle();
    expect(log).toEqual(['sink.open', 'map.open']);

    task.cancel();
    opened();
    await expect(running).resolves.toBe(E.CANCELED);
    expect(env.statesOf(tdd.attemptId)).toEqual([E.INITIALIZING, E.CANCELED]);
    expect(sink.received).toEqual([]);
    // The chain still finishes opening (as Flink's), then closes every operator; nothing finishes.
    expect(log.slice(2)).toEqual(['source.cancel', 'source.open', 'source.close', 'map.close', 'sink.close']);
  });

  it('fails when a timer callback of an operator throws, when the manual clock reaches it', async () => {
    map.withOpen(({ scheduler }) => {
      scheduler.schedule(500, () => {
        throw new Error('timer failed');
      });
    });
    const unbounded = new TestingSourceOperator<number>('source', [], { bounded: false, log });
    const { graph, tdds } = pipeline(unbounded, map, sink);
    const task = new StreamTask(tdds[0], graph, env);
    const running = task.run();
    await env.whenState(task.attemptId, E.RUNNING);

    env.clock.advance(499);
    await settle();
    expect(env.statesOf(task.attemptId)).toEqual([E.INITIALIZING, E.RUNNING]);
    env.clock.advance(1);
    await expect(running).resolves.toBe(E.FAILED);
    expect(env.states[2].error?.message).toBe('Task Source: numbers -> Map -> Sink (1/1)#0 failed: timer failed');
    expect(log.slice(-3)).toEqual(['source.close', 'map.close', 'sink.close']);
  });

  it('emits periodic watermarks while back-pressured, behind the records it produced before them', async () => {
    // Source -> timestamps/watermarks (chained) -rebalance-> sink, whose task stops taking input (an
    // availability provider held closed): the producer's small buffers fill and it stays back-pressured,
    // yet event time must advance behind what it produced.
    const intervalMs = 50;
    env = new TestingTaskEnvironment({ network: { segmentSize: 4096, buffersPerChannel: 1, floatingBuffersPerGate: 0, maxBuffersPerChannel: 2 } });
    let open = true;
    let reopen: (() => void) | undefined;
    sink.withOpen((operatorEnv) =>
      operatorEnv.registerAvailabilityProvider({
        isAvailable: () => open,
        whenAvailable: () => (open ? Promise.resolve() : new Promise<void>((r) => (reopen = r))),
      }),
    );
    const unbounded = new TestingSourceOperator<number>('source', [], { bounded: false, log });
    const watermarks = new TimestampsAndWatermarksOperator<number>(
      { createWatermarkGenerator: () => new AscendingTimestampsWatermarks<number>(), createTimestampAssigner: () => (n: number) => n },
      intervalMs,
    );
    const graph = new StreamGraph('back-pressured watermarks', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: BUFFER_TIMEOUT_MS, runtimeMode: 'STREAMING', chainingEnabled: true });
    const node = (name: string, operator: StreamOperator<unknown>, isSource = false) =>
      graph.addNode({ name, kind: name, parallelism: 1, nonParallel: false, maxParallelism: -1, chainingStrategy: isSource ? 'HEAD' : 'ALWAYS', isSource, operatorFactory: () => operator });
    const s = node('Source: numbers', unbounded as StreamOperator<unknown>, true);
    const w = node('Timestamps/Watermarks', watermarks as StreamOperator<unknown>);
    const k = node('Sink', sink as StreamOperator<unknown>);
    graph.addEdge(s.id, w.id, { kind: 'forward' });
    graph.addEdge(w.id, k.id, { kind: 'rebalance' });
    const [producerTdd, consumerTdd] = testingDeploymentDescriptors(graph);
    const producer = new StreamTask(producerTdd, graph, env).run();
    const consumer = new StreamTask(consumerTdd, graph, env).run();
    await env.whenState(producerTdd.attemptId, E.RUNNING);
    await env.whenState(consumerTdd.attemptId, E.RUNNING);

    open = false;
    const records = Array.from({ length: 20_000 }, (_, i) => i + 1);
    unbounded.add(...records);
    await settle();
    const produced = unbounded.emitted;
    expect(produced).toBeGreaterThan(0);
    expect(produced).toBeLessThan(records.length); // the source stopped: back-pressured
    const seenBefore = sink.received.length;
    expect(sink.watermarks).toEqual([]);
    env.clock.advance(intervalMs);
    await settle();
    expect(unbounded.emitted).toBe(produced); // still back-pressured

    // Without a further tick of the interval, the sink gets the watermark emitted under back-pressure
    // (the highest timestamp produced by then, minus one) right after those records.
    open = true;
    reopen?.();
    await settle();
    expect(seenBefore).toBeLessThan(produced);
    expect(sink.watermarks[0]).toBe(produced - 1);
    expect(sink.received.slice(0, produced)).toEqual(records.slice(0, produced));

    unbounded.endInput();
    env.clock.advance(BUFFER_TIMEOUT_MS);
    await expect(Promise.all([producer, consumer])).resolves.toEqual([E.FINISHED, E.FINISHED]);
    expect(sink.received).toEqual(records);
    expect(sink.watermarks.at(-1)).toBe(MAX_WATERMARK);
  });
});
