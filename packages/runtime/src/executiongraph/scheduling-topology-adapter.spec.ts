import { createJobGraph } from '../graph/job-graph-generator';
import { TestingStreamGraphBuilder } from '../graph/testing-fixtures/stream-graph-builder';
import { ManualClock } from '../time/clock';
import { ExecutionGraph } from './execution-graph';
import { ExecutionState as E } from '../execution/execution-state';
import { ExecutionGraphSchedulingTopology } from './scheduling-topology-adapter';

function build(runtimeMode: 'STREAMING' | 'BATCH' = 'STREAMING') {
  const b = new TestingStreamGraphBuilder({ parallelism: 2, runtimeMode });
  const src = b.source('a');
  const map = b.operator('Map', { parallelism: 1 });
  b.connect(src, map, 'rebalance');
  const eg = new ExecutionGraph(createJobGraph(b.graph), { clock: new ManualClock() });
  return { eg, topology: new ExecutionGraphSchedulingTopology(eg) };
}

describe('ExecutionGraphSchedulingTopology', () => {
  it('lists vertices in topological order with their consumed and produced partitions', () => {
    const { eg, topology } = build();
    const [src, map] = eg.getJobVertices();
    const ds = src.producedResults[0].id;
    expect(
      [...topology.getVertices()].map((v) => ({
        id: v.id,
        jobVertexId: v.jobVertexId,
        subtaskIndex: v.subtaskIndex,
        state: v.state,
        consumed: v.consumedResults,
        produced: v.producedResults,
      })),
    ).toEqual([
      { id: `${src.id}_0`, jobVertexId: src.id, subtaskIndex: 0, state: E.CREATED, consumed: [], produced: [`${ds}_0`] },
      { id: `${src.id}_1`, jobVertexId: src.id, subtaskIndex: 1, state: E.CREATED, consumed: [], produced: [`${ds}_1`] },
      { id: `${map.id}_0`, jobVertexId: map.id, subtaskIndex: 0, state: E.CREATED, consumed: [`${ds}_0`, `${ds}_1`], produced: [] },
    ]);
    expect(topology.getResultPartition(`${ds}_1`)).toEqual({
      id: `${ds}_1`,
      resultType: 'PIPELINED',
      producer: `${src.id}_1`,
      consumers: [`${map.id}_0`],
    });
  });

  it('reads states through to the current attempt', () => {
    const { eg, topology } = build();
    const v = eg.getAllExecutionVertices()[0];
    const view = topology.getVertex(v.id);
    v.currentExecution.transitionState(E.SCHEDULED);
    expect(view.state).toBe(E.SCHEDULED);
    v.currentExecution.transitionState(E.CANCELED);
    v.resetForNewExecution();
    expect(view.state).toBe(E.CREATED);
  });

  it('reports blocking partitions in batch mode and rejects unknown ids', () => {
    const { eg, topology } = build('BATCH');
    const ds = eg.getJobVertices()[0].producedResults[0].id;
    expect(topology.getResultPartition(`${ds}_0`).resultType).toBe('BLOCKING');
    expect(() => topology.getVertex('x_0')).toThrow('Assertion failed: no execution vertex x_0');
    expect(() => topology.getResultPartition('x_0')).toThrow('Assertion failed: no result partition x_0');
  });
});
