import { describeJobGraph, jobGraphToJson } from './describe-job-graph';
import { createJobGraph } from './job-graph-generator';
import { TestingStreamGraphBuilder } from './testing-fixtures/stream-graph-builder';

function buildJob() {
  const b = new TestingStreamGraphBuilder({ parallelism: 2 }, 'word count');
  const src = b.source('words', { uid: 'words-source' });
  const split = b.operator('FlatMap');
  const count = b.operator('KeyedReduce', { maxParallelism: 256 });
  b.connect(src, split).connect(split, count, 'hash');
  return createJobGraph(b.graph, { jobId: '0123456789abcdef0123456789abcdef' });
}

describe('describeJobGraph', () => {
  it('prints every vertex with its operators and inputs', () => {
    const jg = buildJob();
    const [head, count] = jg.vertices;
    const [srcOp, splitOp] = head.operators;
    expect(describeJobGraph(jg)).toBe(
      [
        "Job 'word count' (0123456789abcdef0123456789abcdef), STREAMING, 2 vertices, max parallelism 256",
        '',
        'Vertex 1: Source: words -> FlatMap [input]',
        `  id: ${head.id}`,
        '  parallelism: 2, max parallelism: 128, slot sharing group: default, buffer timeout: 100 ms',
        '  operators:',
        `    - Source: words (Source) operator id ${srcOp.operatorId}, uid 'words-source'`,
        `    - FlatMap (FlatMap) operator id ${splitOp.operatorId}`,
        '',
        'Vertex 2: KeyedReduce',
        `  id: ${count.id}`,
        '  parallelism: 2, max parallelism: 256, slot sharing group: default, buffer timeout: 100 ms',
        '  operators:',
        `    - KeyedReduce (KeyedReduce) operator id ${count.operators[0].operatorId}`,
        '  inputs:',
        "    - from 'Source: words -> FlatMap': hash, ALL_TO_ALL, PIPELINED",
      ].join('\n'),
    );
  });
});

describe('jobGraphToJson', () => {
  it('is a plain copy that survives JSON round trips unchanged', () => {
    const jg = buildJob();
    const json = jobGraphToJson(jg);
    expect(json).not.toBe(jg);
    expect(json).toEqual(jg);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.vertices[0].operators[0].uid).toBe('words-source');
    expect('uid' in json.vertices[0].operators[1]).toBe(false);
  });
});
