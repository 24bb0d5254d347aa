import { JobBuildError } from '@flott/core';
import { IllegalStateTransitionError } from '../errors';
import { createJobGraph } from '../graph/job-graph-generator';
import type { JobGraph, PartitionerKind } from '../deployment/job-graph';
import { TestingStreamGraphBuilder } from '../graph/testing-fixtures/stream-graph-builder';
import { ManualClock } from '../time/clock';
import { ExecutionGraph } from './execution-graph';
import { ExecutionState as E, JobStatus as J } from '../execution/execution-state';

/** Source (parallelism p) -> kind -> Sink (parallelism c), never chained. */
function twoVertexJob(kind: PartitionerKind, p: number, c: number): JobGraph {
  const b = new TestingStreamGraphBuilder({ parallelism: 1 });
  const src = b.source('a', { parallelism: p });
  const sink = b.operator('Sink', { parallelism: c, chainingStrategy: 'NEVER' });
  b.connect(src, sink, kind);
  return createJobGraph(b.graph, { jobId: '1'.repeat(32) });
}

function graphOf(jg: JobGraph, clock = new ManualClock(100)): ExecutionGraph {
  return new ExecutionGraph(jg, { clock });
}

/** Channels of every consumer subtask as "producerSubtask.subpartition" (one gate). */
function wiring(eg: ExecutionGraph): string[][] {
  const [producer, consumer] = eg.getJobVertices();
  const ds = producer.jobVertex.producedDataSets[0].id;
  return consumer.taskVertices.map((v) => {
    const [gate] = eg.getInputChannels(v.id);
    expect(gate.dataSetId).toBe(ds);
    return gate.channels.map((ch) => {
      const producerIndex = Number(ch.producerVertexId.slice(producer.id.length + 1));
      expect(ch.producerVertexId).toBe(`${producer.id}_${producerIndex}`);
      expect(ch.partitionId).toBe(`${ds}_${producerIndex}`);
      return `${producerIndex}.${ch.subpartitionIndex}`;
    });
  });
}

describe('ExecutionGraph structure', () => {
  it('creates one execution vertex per subtask, in topological order', () => {
    const eg = graphOf(twoVertexJob('rebalance', 2, 3));
    const [src, sink] = eg.getJobVertices();
    expect(src.taskVertices.map((v) => v.id)).toEqual([`${src.id}_0`, `${src.id}_1`]);
    expect(sink.taskVertices).toHaveLength(3);
    expect(eg.getAllExecutionVertices().map((v) => v.id)).toEqual([
      `${src.id}_0`, `${src.id}_1`, `${sink.id}_0`, `${sink.id}_1`, `${sink.id}_2`,
    ]);
    expect(eg.getExecutionVertex(`${sink.id}_2`).subtaskIndex).toBe(2);
    expect(eg.findExecutionVertex('nope_0')).toBeUndefined();
    expect(() => eg.getExecutionVertex('nope_0')).toThrow('Assertion failed: no execution vertex nope_0');
    expect(src.producedResults.map((r) => r.id)).toEqual([src.jobVertex.producedDataSets[0].id]);
    expect(sink.inputs).toEqual(src.producedResults);
    expect(eg.getInputChannels(`${src.id}_0`)).toEqual([]);
  });

  it('wires forward 1:1 with one subpartition per partition', () => {
    const eg = graphOf(twoVertexJob('forward', 3, 3));
    expect(wiring(eg)).toEqual([['0.0'], ['1.0'], ['2.0']]);
    const [src, sink] = eg.getJobVertices();
    const partition = src.producedResults[0].partitions[1];
    expect(partition.id).toBe(`${src.producedResults[0].id}_1`);
    expect(eg.getNumSubpartitions(partition.id)).toBe(1);
    expect(eg.getPartitionConsumers(partition.id)).toEqual([`${sink.id}_1`]);
  });

  it('wires rebalance all-to-all: consumer j reads subpartition j of every producer', () => {
    const eg = graphOf(twoVertexJob('rebalance', 2, 3));
    expect(wiring(eg)).toEqual([['0.0', '1.0'], ['0.1', '1.1'], ['0.2', '1.2']]);
    const [src, sink] = eg.getJobVertices();
    for (const p of src.producedResults[0].partitions) {
      expect(eg.getNumSubpartitions(p.id)).toBe(3);
      expect(eg.getPartitionConsumers(p.id)).toEqual([`${sink.id}_0`, `${sink.id}_1`, `${sink.id}_2`]);
    }
  });

  it('wires hash all-to-all', () => {
    const eg = graphOf(twoVertexJob('hash', 2, 2));
    expect(wiring(eg)).toEqual([['0.0', '1.0'], ['0.1', '1.1']]);
  });

  it('wires rescale 2 -> 4 with each producer feeding two consumers', () => {
    const eg = graphOf(twoVertexJob('rescale', 2, 4));
    expect(wiring(eg)).toEqual([['0.0'], ['0.1'], ['1.0'], ['1.1']]);
    const [src, sink] = eg.getJobVertices();
    const p1 = src.producedResults[0].partitions[1].id;
    expect(eg.getNumSubpartitions(p1)).toBe(2);
    expect(eg.getPartitionConsumers(p1)).toEqual([`${sink.id}_2`, `${sink.id}_3`]);
  });

  it('wires rescale 4 -> 2 with each consumer reading two producers', () => {
    const eg = graphOf(twoVertexJob('rescale', 4, 2));
    expect(wiring(eg)).toEqual([['0.0', '1.0'], ['2.0', '3.0']]);
    const [src, sink] = eg.getJobVertices();
    const p3 = src.producedResults[0].partitions[3].id;
    expect(eg.getNumSubpartitions(p3)).toBe(1);
    expect(eg.getPartitionConsumers(p3)).toEqual([`${sink.id}_1`]);
    expect(eg.getConsumedPartitions(`${sink.id}_1`)).toEqual([
      src.producedResults[0].partitions[2].id,
      src.producedResults[0].partitions[3].id,
    ]);
    expect(eg.getProducedPartitions(`${src.id}_3`).map((p) => p.id)).toEqual([p3]);
  });

  it('orders input gates as the job vertex inputs, keeping type numbers', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 2 });
    const left = b.source('left');
    const right = b.source('right', { parallelism: 1 });
    const join = b.operator('CoProcess');
    b.connect(left, join, 'hash', 1).connect(right, join, 'broadcast', 2);
    const eg = graphOf(createJobGraph(b.graph));
    const [l, r, j] = eg.getJobVertices();
    const gates = eg.getInputChannels(`${j.id}_1`);
    expect(gates.map((g) => [g.sourceJobVertexId, g.partitioner, g.typeNumber])).toEqual([
      [l.id, 'hash', 1],
      [r.id, 'broadcast', 2],
    ]);
    expect(gates[0].channels.map((c) => [c.producerVertexId, c.subpartitionIndex])).toEqual([[`${l.id}_0`, 1], [`${l.id}_1`, 1]]);
    expect(gates[1].channels.map((c) => [c.producerVertexId, c.subpartitionIndex])).toEqual([[`${r.id}_0`, 1]]);
  });

  it('rejects a job graph whose vertices are not topologically sorted', () => {
    const jg = twoVertexJob('rebalance', 1, 1);
    const reversed: JobGraph = { ...jg, vertices: [...jg.vertices].reverse() };
    expect(() => graphOf(reversed)).toThrow(JobBuildError);
  });
});

describe('ExecutionGraph status and attempts', () => {
  it('starts CREATED and moves along the job status machine, notifying listeners', () => {
    const clock = new ManualClock(100);
    const eg = graphOf(twoVertexJob('rebalance', 1, 1), clock);
    const seen: string[] = [];
    const reg = eg.addJobStatusListener((from, to, ts, cause) => seen.push(`${from}->${to}@${ts}${cause ? ` (${cause.message})` : ''}`));
    expect(eg.state).toBe(J.CREATED);
    expect(eg.getStatusTimestamp(J.CREATED)).toBe(100);
    clock.advance(5);
    eg.transitionJobStatus(J.RUNNING);
    clock.advance(5);
    eg.transitionJobStatus(J.FAILING, new Error('task failed'));
    expect(() => eg.transitionJobStatus(J.FINISHED)).toThrow(IllegalStateTransitionError);
    expect(eg.state).toBe(J.FAILING);
    eg.transitionJobStatus(J.RESTARTING);
    reg.dispose();
    eg.transitionJobStatus(J.RUNNING);
    expect(seen).toEqual(['CREATED->RUNNING@105', 'RUNNING->FAILING@110 (task failed)', 'FAILING->RESTARTING@110']);
    expect(eg.failureCause?.message).toBe('task failed');
    expect(eg.getStatusTimestamp(J.RUNNING)).toBe(110);
  });

  it('reports attempt state changes and finds current attempts by id', () => {
    const eg = graphOf(twoVertexJob('rebalance', 1, 2));
    const [, sink] = eg.getJobVertices();
    const v = sink.taskVertices[1];
    const seen: string[] = [];
    eg.addExecutionStateListener((ex, from, to) => seen.push(`${ex.vertexId}#${ex.attemptNumber} ${from}->${to}`));
    const first = v.currentExecution;
    expect(first.attemptId).toBe(`${'1'.repeat(32)}_${v.id}_0`);
    expect(eg.findCurrentExecution(first.attemptId)).toBe(first);
    first.transitionState(E.SCHEDULED);
    first.transitionState(E.FAILED);
    const second = v.resetForNewExecution();
    second.transitionState(E.SCHEDULED);
    expect(eg.findCurrentExecution(first.attemptId)).toBeUndefined();
    expect(eg.findCurrentExecution(second.attemptId)).toBe(second);
    expect(seen).toEqual([`${v.id}#0 CREATED->SCHEDULED`, `${v.id}#0 SCHEDULED->FAILED`, `${v.id}#1 CREATED->SCHEDULED`]);
  });

  it('uses the given execution graph id and history bound', () => {
    const eg = new ExecutionGraph(twoVertexJob('rebalance', 1, 1), { clock: new ManualClock(), executionGraphId: 'g7', attemptsHistorySize: 1 });
    const v = eg.getAllExecutionVertices()[0];
    expect(v.currentExecution.attemptId).toBe(`g7_${v.id}_0`);
    for (let i = 0; i < 3; i++) {
      v.currentExecution.transitionState(E.CANCELED);
      v.resetForNewExecution();
    }
    expect(v.getPriorExecutions().map((e) => e.attemptNumber)).toEqual([2]);
  });
});
