import { decodeChannelStateFile } from '../checkpoint/format';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import { ExecutionState as E } from '../execution/execution-state';
import { StreamGraph } from '../graph/stream-graph';
import type { NetworkConfig } from '../network/network-config';
import { AbstractStreamOperator } from '../operators/abstract-stream-operator';
import type { OneInputStreamOperator, StreamOperator } from '../operators/stream-operator';
import { InMemoryKeyedStateBackend } from '../operators/testing/in-memory-keyed-state-backend';
import type { KeyedStateBackendParameters, StateBackend } from '../spi/state-backend';
import { settle } from '../testing/settle';
import { TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { testingDeploymentDescriptors } from '../testing/testing-deployment';
import { TestingSourceOperator } from '../testing/testing-stream-operators';
import { TestingTaskEnvironment } from '../testing/testing-task-environment';
import { StreamTask } from './stream-task';

const COUNT = { name: 'count', kind: 'value' as const };

/** Counts records per key (value mod 3) in keyed state and emits `value:count` downstream. */
class KeyedCounter extends AbstractStreamOperator<string> implements OneInputStreamOperator<number, string> {
  readonly out: string[] = [];

  processElement(value: number): void {
    const backend = this.env.keyedStateBackend!;
    const count = ((backend.get(COUNT) as number | undefined) ?? 0) + 1;
    backend.put(COUNT, count);
    this.out.push(`${value}:${count}`);
    this.output.collect(`${value}:${count}`, Number.NaN);
  }

  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }
}

/** Takes whatever reaches it. */
class Discard extends AbstractStreamOperator<never> implements OneInputStreamOperator<string, never> {
  taken = 0;
  processElement(): void {
    this.taken++;
  }

  processWatermark(): void {}
}

const inMemoryStateBackend: StateBackend = {
  name: 'in-memory',
  createKeyedStateBackend: (params: KeyedStateBackendParameters) => new InMemoryKeyedStateBackend(params.keyGroupRange, params),
};

/** Source → keyBy(value mod 3) → KeyedCounter → Discard, three tasks. */
function pipeline(source: TestingSourceOperator<number>, counter: KeyedCounter, sink: Discard) {
  const graph = new StreamGraph('unaligned test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const common = { parallelism: 1, nonParallel: false, maxParallelism: -1 };
  const s = graph.addNode({ ...common, name: 'Source', kind: 'Source', chainingStrategy: 'HEAD', isSource: true, operatorFactory: () => source as StreamOperator<unknown> });
  const c = graph.addNode({
    ...common, name: 'Counter', kind: 'Counter', chainingStrategy: 'ALWAYS', isSource: false,
    operatorFactory: () => counter as StreamOperator<unknown>, stateKeySelector: (v) => (v as number) % 3,
  });
  const d = graph.addNode({ ...common, name: 'Sink', kind: 'Sink', chainingStrategy: 'NEVER', isSource: false, operatorFactory: () => sink as StreamOperator<unknown> });
  graph.addEdge(s.id, c.id, { kind: 'hash', keySelector: (v) => (v as number) % 3 });
  graph.addEdge(c.id, d.id, { kind: 'forward' });
  return { graph, tdds: testingDeploymentDescriptors(graph) };
}

/** The counter's output for `values` in one failure-free run. */
function counts(values: readonly number[]): string[] {
  const seen = new Map<number, number>();
  return values.map((v) => {
    const n = (seen.get(v % 3) ?? 0) + 1;
    seen.set(v % 3, n);
    return `${v}:${n}`;
  });
}

/**
 * Source and counter running, the sink task never started: the counter's output fills up, the counter
 * stops taking input, the source's output fills up. Small buffers: back-pressure builds after a few
 * hundred records.
 */
async function backPressured(network: Partial<NetworkConfig>) {
  const storage = new TestingCheckpointStorage();
  const env = new TestingTaskEnvironment({ stateBackend: inMemoryStateBackend, network }).withCheckpointing(storage);
  const values = Array.from({ length: 3_000 }, (_, i) => i);
  const source = new TestingSourceOperator<number>('source', values, { bounded: false });
  const counter = new KeyedCounter();
  const sink = new Discard();
  const { graph, tdds } = pipeline(source, counter, sink);
  const runs = [new StreamTask(tdds[0], graph, env), new StreamTask(tdds[1], graph, env)];
  const running = runs.map((t) => t.run());
  await env.whenState(tdds[1].attemptId, E.RUNNING);
  for (let i = 0; i < 20; i++) await settle();
  return { storage, env, values, source, counter, sink, graph, tdds, runs, running };
}

/** Two unbounded source subtasks → keyBy → KeyedCounter (one subtask, two input channels) → Discard chained. */
function twoSourcesIntoOneCounter(values: readonly number[]) {
  const graph = new StreamGraph('unaligned test', { parallelism: 1, maxParallelism: -1, bufferTimeoutMs: 100, runtimeMode: 'STREAMING', chainingEnabled: true });
  const common = { nonParallel: false, maxParallelism: -1 };
  const s = graph.addNode({
    ...common, parallelism: 2, name: 'Source', kind: 'Source', chainingStrategy: 'HEAD', isSource: true,
    operatorFactory: () => new TestingSourceOperator<number>('source', values, { bounded: false }) as StreamOperator<unknown>,
  });
  const c = graph.addNode({
    ...common, parallelism: 1, name: 'Counter', kind: 'Counter', chainingStrategy: 'ALWAYS', isSource: false,
    operatorFactory: () => new KeyedCounter() as StreamOperator<unknown>, stateKeySelector: (v) => (v as number) % 3,
  });
  const d = graph.addNode({ ...common, parallelism: 1, name: 'Sink', kind: 'Sink', chainingStrategy: 'ALWAYS', isSource: false, operatorFactory: () => new Discard() as StreamOperator<unknown> });
  graph.addEdge(s.id, c.id, { kind: 'hash', keySelector: (v) => (v as number) % 3 });
  graph.addEdge(c.id, d.id, { kind: 'forward' });
  return { graph, tdds: testingDeploymentDescriptors(graph) };
}

// Small buffers, or segments of a few records when the tasks (all in this thread) hand records over as objects.
describe.each<[string, Partial<NetworkConfig>]>([
  ['serialised', { segmentSize: 128, localHandOver: 'off' }],
  ['handed over as objects', { segmentSize: 128, localHandOver: 'copy', recordsPerSegment: 8 }],
])('StreamTask unaligned checkpoints, records %s', (_, network) => {
  it('a task canceled while an unaligned checkpoint still records a channel whose barrier has not come ends CANCELED, the checkpoint dropped', async () => {
    const env = new TestingTaskEnvironment({ stateBackend: inMemoryStateBackend }).withCheckpointing(new TestingCheckpointStorage());
    const { graph, tdds } = twoSourcesIntoOneCounter([1, 2, 3, 4, 5, 6]);
    const counterTdd = tdds.find((t) => t.vertex.name.startsWith('Counter'))!;
    const runs = tdds.map((t) => new StreamTask(t, graph, env));
    const running = runs.map((t) => t.run());
    await env.whenState(counterTdd.attemptId, E.RUNNING);
    for (let i = 0; i < 5; i++) await settle();
    // Only the first source subtask takes the checkpoint: its barrier overtakes to the counter, which records channel 1 until that one's barrier.
    runs[0].triggerCheckpoint({ checkpointId: 1, timestamp: 0, location: 'mem://job/chk-1', alignedTimeoutMs: 0 });
    for (let i = 0; i < 5; i++) await settle();
    expect(env.checkpointAcks.map((a) => a.attemptId)).toEqual([tdds[0].attemptId]);

    const counter = runs[tdds.indexOf(counterTdd)];
    counter.cancel();
    expect(await running[tdds.indexOf(counterTdd)]).toBe(E.CANCELED);
    expect(env.checkpointAcks.map((a) => a.attemptId)).toEqual([tdds[0].attemptId]);
    for (const t of runs) t.cancel();
    expect(await Promise.all(running)).toEqual([E.CANCELED, E.CANCELED, E.CANCELED]);
  });


  it('under back-pressure, a checkpoint completes at once with the in-flight data, and a restore from it gives the failure-free output', async () => {
    const { storage, env, values, source, counter, graph, tdds, runs, running } = await backPressured(network);
    const [sourceTdd, counterTdd] = tdds;
    const processed = counter.out.length;
    expect(processed).toBeGreaterThan(0);
    expect(source.emitted).toBeGreaterThan(processed);
    expect(source.emitted).toBeLessThan(values.length);

    const emittedAtBarrier = source.emitted;
    runs[0].triggerCheckpoint({ checkpointId: 1, timestamp: 0, location: 'mem://job/chk-1', alignedTimeoutMs: 0 });
    for (let i = 0; i < 5; i++) await settle();
    // Both tasks acknowledged although nothing downstream moved: the barrier overtook the data.
    expect(env.checkpointAcks.map((a) => [a.attemptId, a.checkpointId])).toEqual([[sourceTdd.attemptId, 1], [counterTdd.attemptId, 1]]);
    expect(counter.out.length).toBe(processed);
    const counterOp = counterTdd.vertex.operators[0].operatorId;
    const state = env.checkpointAcks[1].state[counterOp];
    const channels = decodeChannelStateFile(await storage.readState(state.inputChannels!), 'channels');
    // The in-flight data is exactly what the source emitted before the barrier and the counter had not processed.
    expect(channels.map((c) => [c.gate, c.channel])).toEqual([[0, 0]]);
    expect(channels[0].elements.map((e) => (e.kind === 'record' ? e.value : e.kind))).toEqual(values.slice(processed, emittedAtBarrier));
    for (const t of runs) t.cancel();
    await Promise.all(running);

    // A new attempt of every task from checkpoint 1: the source resumes where it was, the counter from its keyed state and in-flight data.
    const restoredCounter = new KeyedCounter();
    const sink = new Discard();
    const again = pipeline(new TestingSourceOperator<number>('source', values.slice(emittedAtBarrier), { bounded: true }), restoredCounter, sink);
    const restoredTdd: TaskDeploymentDescriptor = {
      ...again.tdds[1],
      restore: { checkpointId: 1, operators: { [counterOp]: { keyed: [state.keyed!], operator: [undefined] } }, inputChannels: state.inputChannels },
    };
    // A fresh environment: the new attempts' partitions must not meet the old ones'.
    const env2 = new TestingTaskEnvironment({ stateBackend: inMemoryStateBackend, network }).withCheckpointing(storage);
    const all = Promise.all([
      new StreamTask(again.tdds[0], again.graph, env2).run(),
      new StreamTask(restoredTdd, again.graph, env2).run(),
      new StreamTask(again.tdds[2], again.graph, env2).run(),
    ]);
    const results = await all;
    expect(results).toEqual([E.FINISHED, E.FINISHED, E.FINISHED]);
    expect([...counter.out, ...restoredCounter.out]).toEqual(counts(values));
    expect(sink.taken).toBe(values.length - processed);
  });

  it('aligned with a timeout: a checkpoint that cannot align in time switches to unaligned and still completes', async () => {
    const { storage, env, values, source, counter, tdds, runs, running } = await backPressured(network);
    const emittedAtBarrier = source.emitted;
    runs[0].triggerCheckpoint({ checkpointId: 1, timestamp: env.clock.currentTimeMillis(), location: 'mem://job/chk-1', alignedTimeoutMs: 1_000 });
    for (let i = 0; i < 5; i++) await settle();
    // Aligned: the barrier waits behind the back-pressured data.
    expect(env.checkpointAcks.map((a) => a.attemptId)).toEqual([tdds[0].attemptId]);
    const processedBeforeTimeout = counter.out.length;
    env.clock.advance(1_000);
    for (let i = 0; i < 5; i++) await settle();
    // The barrier timed out in the source's output queue and overtook the data; the counter went unaligned.
    expect(env.checkpointAcks.filter((a) => a.attemptId === tdds[1].attemptId).map((a) => a.checkpointId)).toEqual([1]);
    expect(counter.out.length).toBe(processedBeforeTimeout);
    const state = env.checkpointAcks.find((a) => a.attemptId === tdds[1].attemptId)!.state[tdds[1].vertex.operators[0].operatorId];
    const inFlight = decodeChannelStateFile(await storage.readState(state.inputChannels!), 'channels')[0].elements;
    expect(inFlight.map((e) => (e.kind === 'record' ? e.value : e.kind))).toEqual(values.slice(processedBeforeTimeout, emittedAtBarrier));
    for (const t of runs) t.cancel();
    await Promise.all(running);
  });

  it('back-pressure, aligned: the checkpoint completes only once the data ahead of the barrier is processed (unaligned needs none of it, above)', async () => {
    const { env, source, counter, graph, tdds, runs, running } = await backPressured(network);
    const emittedAtBarrier = source.emitted;
    runs[0].triggerCheckpoint({ checkpointId: 1, timestamp: 0, location: 'mem://job/chk-1', alignedTimeoutMs: -1 });
    for (let i = 0; i < 20; i++) await settle();
    expect(env.checkpointAcks.map((a) => a.attemptId)).toEqual([tdds[0].attemptId]);
    // The sink starts taking data: the back-pressure eases, the barrier reaches the counter behind everything before it.
    const sinkRun = new StreamTask(tdds[2], graph, env);
    const sinkRunning = sinkRun.run();
    for (let i = 0; i < 200 && env.checkpointAcks.length < 2; i++) await settle();
    const ack = env.checkpointAcks.find((a) => a.attemptId === tdds[1].attemptId)!;
    expect(ack.checkpointId).toBe(1);
    expect(ack.state[tdds[1].vertex.operators[0].operatorId].inputChannels).toBeUndefined();
    expect(counter.out.length).toBeGreaterThanOrEqual(emittedAtBarrier);
    for (const t of [...runs, sinkRun]) t.cancel();
    await Promise.all([...running, sinkRunning]);
  });
});
