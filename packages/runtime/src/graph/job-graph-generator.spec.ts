import { JobBuildError } from '@flott/core';
import { createJobGraph, distributionPatternOf } from './job-graph-generator';
import type { JobGraph, JobVertexDescriptor } from '../deployment/job-graph';
import { defaultMaxParallelism } from '../deployment/max-parallelism';
import { TestingStreamGraphBuilder } from './testing-fixtures/stream-graph-builder';
import { RandomIdGenerator } from '../time/ids';
import { SeededRandom } from '../time/random';

const names = (jg: JobGraph): string[] => jg.vertices.map((v) => v.name);
const vertex = (jg: JobGraph, name: string): JobVertexDescriptor => {
  const v = jg.vertices.find((x) => x.name === name);
  if (!v) throw new Error(`no vertex ${name} in ${names(jg).join(' | ')}`);
  return v;
};

describe('createJobGraph chaining', () => {
  it('chains source, map and filter at equal parallelism into one vertex', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 2 });
    const src = b.source('a');
    const map = b.operator('Map');
    const filter = b.operator('Filter');
    b.connect(src, map).connect(map, filter);
    const jg = createJobGraph(b.graph, { jobId: 'f'.repeat(32) });
    expect(names(jg)).toEqual(['Source: a -> Map -> Filter']);
    const v = jg.vertices[0];
    expect(v.operators.map((o) => o.streamNodeId)).toEqual([src.id, map.id, filter.id]);
    expect(v.operators.map((o) => o.kind)).toEqual(['Source', 'Map', 'Filter']);
    expect(v.id).toBe(v.operators[0].operatorId);
    expect(v.parallelism).toBe(2);
    expect(v.maxParallelism).toBe(128);
    expect(v.isInputVertex).toBe(true);
    expect(v.slotSharingGroup).toBe('default');
    expect(v.bufferTimeoutMs).toBe(100);
    expect(v.inputs).toEqual([]);
    expect(v.producedDataSets).toEqual([]);
    expect(jg.jobId).toBe('f'.repeat(32));
    expect(jg.executeIndex).toBe(0);
    expect(jg.jobType).toBe('STREAMING');
  });

  it('breaks the chain at a rebalance edge between different parallelisms', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 2 });
    const src = b.source('a', { parallelism: 1 });
    const map = b.operator('Map');
    b.connect(src, map, 'rebalance');
    const jg = createJobGraph(b.graph);
    expect(names(jg)).toEqual(['Source: a', 'Map']);
    expect(jg.vertices.map((v) => v.parallelism)).toEqual([1, 2]);
    const [s, m] = jg.vertices;
    expect(s.producedDataSets).toHaveLength(1);
    const ds = s.producedDataSets[0];
    expect(ds.producerVertexId).toBe(s.id);
    expect(ds.resultPartitionType).toBe('PIPELINED');
    expect(m.inputs).toEqual([
      {
        dataSetId: ds.id,
        sourceVertexId: s.id,
        targetVertexId: m.id,
        partitioner: 'rebalance',
        distributionPattern: 'ALL_TO_ALL',
        resultPartitionType: 'PIPELINED',
        streamEdgeId: ds.streamEdgeId,
        sourceOperatorId: s.operators[0].operatorId,
        targetOperatorId: m.operators[0].operatorId,
        typeNumber: 0,
      },
    ]);
    expect(ds.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('breaks the chain at rebalance and hash edges even at equal parallelism', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 3 });
    const src = b.source('a');
    const map = b.operator('Map');
    const reduce = b.operator('KeyedReduce');
    b.connect(src, map, 'rebalance').connect(map, reduce, 'hash');
    const jg = createJobGraph(b.graph);
    expect(names(jg)).toEqual(['Source: a', 'Map', 'KeyedReduce']);
    expect(vertex(jg, 'KeyedReduce').inputs[0].partitioner).toBe('hash');
    expect(vertex(jg, 'KeyedReduce').inputs[0].distributionPattern).toBe('ALL_TO_ALL');
  });

  it('starts a new chain at a HEAD operator and isolates a NEVER operator', () => {
    const b = new TestingStreamGraphBuilder();
    const src = b.source('a');
    const m1 = b.operator('M1');
    const m2 = b.operator('M2', { chainingStrategy: 'HEAD' });
    const m3 = b.operator('M3');
    const m4 = b.operator('M4', { chainingStrategy: 'NEVER' });
    const m5 = b.operator('M5');
    b.connect(src, m1).connect(m1, m2).connect(m2, m3).connect(m3, m4).connect(m4, m5);
    const jg = createJobGraph(b.graph);
    expect(names(jg)).toEqual(['Source: a -> M1', 'M2 -> M3', 'M4', 'M5']);
    expect(vertex(jg, 'M2 -> M3').inputs[0].distributionPattern).toBe('POINTWISE');
    expect(vertex(jg, 'M2 -> M3').inputs[0].partitioner).toBe('forward');
  });

  it('breaks the chain between different slot sharing groups', () => {
    const b = new TestingStreamGraphBuilder();
    const src = b.source('a');
    const map = b.operator('Map', { slotSharingGroup: 'other' });
    const sink = b.operator('Sink', { slotSharingGroup: 'other' });
    b.connect(src, map).connect(map, sink);
    const jg = createJobGraph(b.graph);
    expect(names(jg)).toEqual(['Source: a', 'Map -> Sink']);
    expect(jg.vertices.map((v) => v.slotSharingGroup)).toEqual(['default', 'other']);
  });

  it('chains nothing when chaining is disabled globally', () => {
    const b = new TestingStreamGraphBuilder({ chainingEnabled: false });
    const src = b.source('a');
    const map = b.operator('Map');
    const filter = b.operator('Filter');
    b.connect(src, map).connect(map, filter);
    expect(names(createJobGraph(b.graph))).toEqual(['Source: a', 'Map', 'Filter']);
  });

  it('never chains an operator with two inputs to either input', () => {
    const b = new TestingStreamGraphBuilder();
    const s1 = b.source('one');
    const s2 = b.source('two');
    const union = b.operator('Union');
    b.connect(s1, union).connect(s2, union);
    const jg = createJobGraph(b.graph);
    expect(names(jg)).toEqual(['Source: one', 'Source: two', 'Union']);
    const u = vertex(jg, 'Union');
    expect(u.inputs.map((e) => e.sourceVertexId)).toEqual([jg.vertices[0].id, jg.vertices[1].id]);
    expect(u.inputs.map((e) => e.distributionPattern)).toEqual(['POINTWISE', 'POINTWISE']);
  });

  it('keeps the type numbers of a two-input operator', () => {
    const b = new TestingStreamGraphBuilder();
    const s1 = b.source('left');
    const s2 = b.source('right');
    const join = b.operator('CoMap');
    b.connect(s1, join, 'hash', 1).connect(s2, join, 'hash', 2);
    const jg = createJobGraph(b.graph);
    expect(vertex(jg, 'CoMap').inputs.map((e) => e.typeNumber)).toEqual([1, 2]);
  });

  it('chains a forward side-output edge and keeps the tag on non-chained side outputs', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 2 });
    const src = b.source('a');
    const proc = b.operator('Process');
    const main = b.operator('MainSink');
    const late = b.operator('LateSink');
    const other = b.operator('OtherSink', { parallelism: 1 });
    b.connect(src, proc).connect(proc, main).connect(proc, late, 'forward', 0, 'late').connect(proc, other, 'rebalance', 0, 'other');
    const jg = createJobGraph(b.graph);
    expect(names(jg)).toEqual(['Source: a -> Process -> (MainSink, LateSink)', 'OtherSink']);
    const head = jg.vertices[0];
    expect(head.operators.map((o) => o.name)).toEqual(['Source: a', 'Process', 'MainSink', 'LateSink']);
    const input = vertex(jg, 'OtherSink').inputs[0];
    expect(input.sideOutputTag).toBe('other');
    expect(input.sourceOperatorId).toBe(head.operators[1].operatorId);
    expect(head.producedDataSets.map((d) => d.id)).toEqual([input.dataSetId]);
  });

  it('rejects a forward edge between different parallelisms, naming both operators', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 2 });
    const src = b.source('a', { parallelism: 1 });
    const map = b.operator('Map');
    b.connect(src, map, 'forward');
    expect(() => createJobGraph(b.graph)).toThrow(JobBuildError);
    expect(() => createJobGraph(b.graph)).toThrow(
      "Forward partitioning does not allow change of parallelism: upstream operator 'Source: a' (id 1) has parallelism 1, " +
        "downstream operator 'Map' (id 2) has parallelism 2.",
    );
  });

  it('pins a non-parallel source to parallelism 1', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 4 });
    const src = b.source('a', { nonParallel: true, parallelism: 4 });
    const map = b.operator('Map');
    b.connect(src, map, 'rebalance');
    expect(createJobGraph(b.graph).vertices.map((v) => v.parallelism)).toEqual([1, 4]);
  });
});

describe('createJobGraph vertices and edges', () => {
  it('orders vertices topologically in a diamond, whatever order nodes were added in', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 2 });
    const sink = b.operator('Sink');
    const right = b.operator('Right');
    const left = b.operator('Left');
    const src = b.source('a');
    b.connect(left, sink, 'rebalance').connect(right, sink, 'rebalance');
    b.connect(src, right, 'hash').connect(src, left, 'hash');
    const jg = createJobGraph(b.graph);
    expect(names(jg)).toEqual(['Source: a', 'Right', 'Left', 'Sink']);
    const seen = new Set<string>();
    for (const v of jg.vertices) {
      for (const e of v.inputs) expect(seen.has(e.sourceVertexId)).toBe(true);
      seen.add(v.id);
    }
    expect(vertex(jg, 'Sink').inputs.map((e) => e.sourceVertexId)).toEqual([vertex(jg, 'Left').id, vertex(jg, 'Right').id]);
  });

  it('derives max parallelism from the node, then the config, then the parallelism', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 200 });
    const src = b.source('a', { maxParallelism: 1000 });
    const map = b.operator('Map');
    b.connect(src, map, 'rebalance');
    const jg = createJobGraph(b.graph);
    expect(jg.vertices.map((v) => v.maxParallelism)).toEqual([1000, 512]);
    expect(jg.maxParallelism).toBe(1000);

    const c = new TestingStreamGraphBuilder({ parallelism: 2, maxParallelism: 64 });
    const csrc = c.source('a', { maxParallelism: 16 });
    c.connect(csrc, c.operator('Map'), 'rebalance');
    const cjg = createJobGraph(c.graph);
    expect(cjg.vertices.map((v) => v.maxParallelism)).toEqual([16, 64]);
    expect(cjg.maxParallelism).toBe(64);
  });

  it('rejects a parallelism above the max parallelism', () => {
    const b = new TestingStreamGraphBuilder({ parallelism: 8 });
    b.source('a', { maxParallelism: 4 });
    expect(() => createJobGraph(b.graph)).toThrow("Operator 'Source: a' (id 1) has parallelism 8 above its max parallelism 4.");
  });

  it('takes the tightest buffer timeout of the chain, else the configured one', () => {
    const b = new TestingStreamGraphBuilder({ bufferTimeoutMs: 100 });
    const src = b.source('a');
    const map = b.operator('Map', { bufferTimeoutMs: 20 });
    const filter = b.operator('Filter', { bufferTimeoutMs: 50 });
    const sink = b.operator('Sink', { chainingStrategy: 'NEVER' });
    b.connect(src, map).connect(map, filter).connect(filter, sink);
    expect(createJobGraph(b.graph).vertices.map((v) => v.bufferTimeoutMs)).toEqual([20, 100]);
  });

  it('uses blocking result partitions in batch mode', () => {
    const b = new TestingStreamGraphBuilder({ runtimeMode: 'BATCH' });
    const src = b.source('a');
    b.connect(src, b.operator('Map'), 'rebalance');
    const jg = createJobGraph(b.graph, { executeIndex: 2 });
    expect(jg.jobType).toBe('BATCH');
    expect(jg.executeIndex).toBe(2);
    expect(jg.vertices[0].producedDataSets[0].resultPartitionType).toBe('BLOCKING');
    expect(jg.vertices[1].inputs[0].resultPartitionType).toBe('BLOCKING');
  });

  it('draws a random 32-hex job id when none is given', () => {
    const b = new TestingStreamGraphBuilder();
    b.source('a');
    const a = createJobGraph(b.graph).jobId;
    const c = createJobGraph(b.graph).jobId;
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(c);
  });

  it('takes the job id from the injected generator when one is given', () => {
    const b = new TestingStreamGraphBuilder();
    b.source('a');
    const seeded = () => createJobGraph(b.graph, { ids: new RandomIdGenerator(new SeededRandom(9)) }).jobId;
    expect(seeded()).toBe(seeded());
    expect(seeded()).toBe(new RandomIdGenerator(new SeededRandom(9)).nextId());
  });

  it('maps partitioners to distribution patterns', () => {
    expect(distributionPatternOf('forward')).toBe('POINTWISE');
    expect(distributionPatternOf('rescale')).toBe('POINTWISE');
    for (const k of ['rebalance', 'shuffle', 'broadcast', 'global', 'hash'] as const) expect(distributionPatternOf(k)).toBe('ALL_TO_ALL');
  });

  it('computes Flink default max parallelism', () => {
    expect([1, 85, 86, 200, 21846, 30000].map(defaultMaxParallelism)).toEqual([128, 128, 256, 512, 32768, 32768]);
  });
});
