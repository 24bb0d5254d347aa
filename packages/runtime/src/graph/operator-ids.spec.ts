import { JobBuildError } from '@flott/core';
import { createJobGraph } from './job-graph-generator';
import { assignOperatorIds, operatorIdForUid } from './operator-ids';
import type { StreamNode } from './stream-graph';
import { TestingStreamGraphBuilder } from './testing-fixtures/stream-graph-builder';

interface Pipeline {
  b: TestingStreamGraphBuilder;
  src: StreamNode;
  map: StreamNode;
  reduce: StreamNode;
}

/** Source -> Map (chained) -> keyBy -> KeyedReduce, built the same way every time. */
function pipeline(uids: { map?: string } = {}): Pipeline {
  const b = new TestingStreamGraphBuilder({ parallelism: 2 });
  const src = b.source('numbers');
  const map = b.operator('Map', { uid: uids.map });
  const reduce = b.operator('KeyedReduce');
  b.connect(src, map).connect(map, reduce, 'hash');
  return { b, src, map, reduce };
}

const idsOf = (p: Pipeline): string[] => {
  const { operatorIds } = assignOperatorIds(p.b.graph);
  return [p.src, p.map, p.reduce].map((n) => operatorIds.get(n.id) as string);
};

describe('operator ids', () => {
  it('are 32 lowercase hex chars, distinct, and the same across two builds of the same program', () => {
    const first = idsOf(pipeline());
    const second = idsOf(pipeline());
    expect(first).toEqual(second);
    for (const id of first) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(first).size).toBe(3);
    const jg1 = createJobGraph(pipeline().b.graph);
    const jg2 = createJobGraph(pipeline().b.graph);
    expect(jg1.vertices.map((v) => v.id)).toEqual(jg2.vertices.map((v) => v.id));
    expect(jg1.vertices.map((v) => v.producedDataSets.map((d) => d.id))).toEqual(jg2.vertices.map((v) => v.producedDataSets.map((d) => d.id)));
  });

  it('come from the uid alone when one is set', () => {
    const plain = idsOf(pipeline());
    const withUid = idsOf(pipeline({ map: 'my-map' }));
    expect(withUid[0]).toBe(plain[0]);
    expect(withUid[1]).toBe(operatorIdForUid('my-map'));
    expect(withUid[1]).not.toBe(plain[1]);
    // The reduce consumes the map, so its generated id follows the map's.
    expect(withUid[2]).not.toBe(plain[2]);

    // A uid'd operator keeps its id when the graph before it changes.
    const b = new TestingStreamGraphBuilder({ parallelism: 2 });
    const s1 = b.source('other-name');
    const extra = b.operator('Filter');
    const map = b.operator('Map', { uid: 'my-map' });
    b.connect(s1, extra).connect(extra, map);
    expect(assignOperatorIds(b.graph).operatorIds.get(map.id)).toBe(operatorIdForUid('my-map'));
  });

  it('of upstream operators do not change when a non-chained operator is added downstream', () => {
    const before = pipeline();
    const after = pipeline();
    const sink = after.b.operator('Sink', { parallelism: 1 });
    after.b.connect(after.reduce, sink, 'rebalance');
    expect(idsOf(after)).toEqual(idsOf(before));
  });

  it('change only for the direct predecessor when a chained operator is added downstream', () => {
    const before = idsOf(pipeline());
    const after = pipeline();
    const sink = after.b.operator('Sink');
    after.b.connect(after.reduce, sink);
    const ids = idsOf(after);
    expect(ids.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(ids[2]).not.toBe(before[2]);
  });

  it('keep upstream ids when a branch is added, while later-traversed operators without uid may shift (as in Flink)', () => {
    const build = (withBranch: boolean): string[] => {
      const b = new TestingStreamGraphBuilder();
      const src = b.source('a');
      const m1 = b.operator('M1');
      const m2 = b.operator('M2');
      b.connect(src, m1, 'rebalance').connect(m1, m2, 'rebalance');
      if (withBranch) b.connect(src, b.operator('Branch'), 'rebalance');
      const { operatorIds } = assignOperatorIds(b.graph);
      return [src, m1, m2].map((n) => operatorIds.get(n.id) as string);
    };
    const before = build(false);
    const after = build(true);
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    // M2 now comes after Branch in the traversal: this is why Flink recommends uid() on stateful operators.
    expect(after[2]).not.toBe(before[2]);
  });

  it('depend on the graph position of otherwise identical operators', () => {
    const b = new TestingStreamGraphBuilder();
    const src = b.source('a');
    const m1 = b.operator('Map');
    const m2 = b.operator('Map');
    b.connect(src, m1, 'rebalance').connect(src, m2, 'rebalance');
    const { operatorIds, order } = assignOperatorIds(b.graph);
    expect(operatorIds.get(m1.id)).not.toBe(operatorIds.get(m2.id));
    expect(order.map((n) => n.id)).toEqual([src.id, m1.id, m2.id]);
  });

  it('hash a node with two inputs only after both inputs, whatever the traversal meets first', () => {
    const b = new TestingStreamGraphBuilder();
    const s1 = b.source('one');
    const s2 = b.source('two');
    const longPath = b.operator('Slow');
    const join = b.operator('Join');
    b.connect(s1, join, 'hash', 1).connect(s2, longPath, 'rebalance').connect(longPath, join, 'hash', 2);
    const { order } = assignOperatorIds(b.graph);
    expect(order.map((n) => n.name)).toEqual(['Source: one', 'Source: two', 'Slow', 'Join']);
  });

  it('reject duplicate uids, naming both operators', () => {
    const b = new TestingStreamGraphBuilder();
    const src = b.source('a', { uid: 'same' });
    const map = b.operator('Map', { uid: 'same' });
    b.connect(src, map);
    expect(() => assignOperatorIds(b.graph)).toThrow(JobBuildError);
    expect(() => createJobGraph(b.graph)).toThrow(
      "Duplicate uid 'same' on operators 'Source: a' (id 1) and 'Map' (id 2); a uid must be unique within a job.",
    );
  });

  it('reject a cycle', () => {
    const b = new TestingStreamGraphBuilder();
    const src = b.source('a');
    const m1 = b.operator('M1');
    const m2 = b.operator('M2');
    b.connect(src, m1, 'rebalance').connect(m1, m2, 'rebalance').connect(m2, m1, 'rebalance');
    expect(() => assignOperatorIds(b.graph)).toThrow(
      "The stream graph has a cycle through operators 'M1' (id 2), 'M2' (id 3); cycles are not supported.",
    );
  });
});
