import { ExecutionState } from '../execution/execution-state';
import { TestingSchedulingTopology } from './testing-scheduling-topology';

describe('TestingSchedulingTopology', () => {
  it('lists vertices in the order job vertices were added, subtasks ascending', () => {
    const t = new TestingSchedulingTopology().addJobVertex('a', 2).addJobVertex('b', 1);
    expect(t.getVertexIds()).toEqual(['a_0', 'a_1', 'b_0']);
    expect(t.getVertex('a_1')).toEqual({
      id: 'a_1', jobVertexId: 'a', subtaskIndex: 1, state: ExecutionState.CREATED, consumedResults: [], producedResults: [],
    });
  });

  it('connects ALL_TO_ALL with one partition per producer subtask, consumed by every consumer', () => {
    const t = new TestingSchedulingTopology().addJobVertex('a', 2).addJobVertex('b', 3).connect('a', 'b', { resultType: 'BLOCKING' });
    expect(t.getResultPartitions()).toEqual([
      { id: 'a->b_0', resultType: 'BLOCKING', producer: 'a_0', consumers: ['b_0', 'b_1', 'b_2'] },
      { id: 'a->b_1', resultType: 'BLOCKING', producer: 'a_1', consumers: ['b_0', 'b_1', 'b_2'] },
    ]);
    expect(t.getVertex('b_2').consumedResults).toEqual(['a->b_0', 'a->b_1']);
    expect(t.getVertex('a_0').producedResults).toEqual(['a->b_0']);
  });

  it('distributes POINTWISE edges over unequal parallelisms as contiguous shares', () => {
    const fanIn = new TestingSchedulingTopology().addJobVertex('a', 4).addJobVertex('b', 2).connect('a', 'b', { pattern: 'POINTWISE' });
    expect(fanIn.getResultPartitions().map((p) => [p.producer, p.consumers])).toEqual([
      ['a_0', ['b_0']], ['a_1', ['b_0']], ['a_2', ['b_1']], ['a_3', ['b_1']],
    ]);
    const fanOut = new TestingSchedulingTopology().addJobVertex('a', 2).addJobVertex('b', 4)
      .connect('a', 'b', { pattern: 'POINTWISE', dataSetId: 'ds' });
    expect(fanOut.getResultPartitions().map((p) => [p.id, p.consumers])).toEqual([
      ['ds_0', ['b_0', 'b_1']], ['ds_1', ['b_2', 'b_3']],
    ]);
  });

  it('refuses edges against the topological order and unknown ids', () => {
    const t = new TestingSchedulingTopology().addJobVertex('a').addJobVertex('b');
    expect(() => t.connect('b', 'a')).toThrow('producer must be added before consumer');
    expect(() => t.connect('a', 'c')).toThrow('both job vertices must be added first');
    expect(() => t.addPartition('p', 'b_0', ['a_0'])).toThrow('must precede');
    expect(() => t.getVertex('zz_0')).toThrow('Unknown execution vertex zz_0');
    expect(() => t.getResultPartition('nope')).toThrow('Unknown result partition nope');
  });

  it('lets a test set vertex states', () => {
    const t = new TestingSchedulingTopology().addJobVertex('a', 2).setAllStates(ExecutionState.RUNNING).setState('a_1', ExecutionState.FAILED);
    expect([...t.getVertices()].map((v) => v.state)).toEqual([ExecutionState.RUNNING, ExecutionState.FAILED]);
  });
});
