import { TestingSchedulingTopology } from '@flott/runtime/testing';
import { PipelinedRegions } from './pipelined-regions';

const regionsOf = (topology: TestingSchedulingTopology) => new PipelinedRegions(topology).regions.map((r) => [...r.vertices]);

describe('PipelinedRegions', () => {
  it('puts a streaming job whose tasks are all connected into one region', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('source', 2).addJobVertex('map', 2).addJobVertex('sink', 1)
      .connect('source', 'map', { pattern: 'POINTWISE' })
      .connect('map', 'sink');
    expect(regionsOf(topology)).toEqual([['source_0', 'source_1', 'map_0', 'map_1', 'sink_0']]);
  });

  it('splits disconnected pipelines, and the POINTWISE lanes of a pipeline, into regions of their own', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('left', 2).addJobVertex('right', 1).addJobVertex('leftSink', 2).addJobVertex('rightSink', 1)
      .connect('left', 'leftSink', { pattern: 'POINTWISE' })
      .connect('right', 'rightSink');
    expect(regionsOf(topology)).toEqual([['left_0', 'leftSink_0'], ['left_1', 'leftSink_1'], ['right_0', 'rightSink_0']]);
  });

  it('separates the two sides of a BLOCKING exchange', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('scan', 2).addJobVertex('aggregate', 2).addJobVertex('write', 1)
      .connect('scan', 'aggregate', { resultType: 'BLOCKING' })
      .connect('aggregate', 'write');
    expect(regionsOf(topology)).toEqual([['scan_0'], ['scan_1'], ['aggregate_0', 'aggregate_1', 'write_0']]);
  });

  it('merges regions that BLOCKING exchanges join in a cycle, so the regions form a DAG', () => {
    // a -> b -> d pipelined is one region; a -> c and c -> d are blocking: {a,b,d} feeds c and c feeds {a,b,d}.
    const topology = new TestingSchedulingTopology()
      .addJobVertex('a', 1).addJobVertex('b', 1).addJobVertex('c', 1).addJobVertex('d', 1)
      .connect('a', 'b')
      .connect('a', 'c', { resultType: 'BLOCKING' })
      .connect('b', 'd')
      .connect('c', 'd', { resultType: 'BLOCKING' });
    expect(regionsOf(topology)).toEqual([['a_0', 'b_0', 'c_0', 'd_0']]);
    // Without the pipelined path back there is no cycle: a chain of three regions.
    const chain = new TestingSchedulingTopology()
      .addJobVertex('a', 1).addJobVertex('c', 1).addJobVertex('d', 1)
      .connect('a', 'c', { resultType: 'BLOCKING' })
      .connect('c', 'd', { resultType: 'BLOCKING' });
    expect(regionsOf(chain)).toEqual([['a_0'], ['c_0'], ['d_0']]);
  });

  it('names a vertex that is not in the topology', () => {
    expect(() => new PipelinedRegions(new TestingSchedulingTopology().addJobVertex('solo')).regionOf('ghost_0')).toThrow('Unknown execution vertex ghost_0');
  });
});
