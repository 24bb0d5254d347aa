import type { ExecutionVertexId, SchedulingTopology } from '@flott/runtime/spi';

/** A set of vertices connected by PIPELINED exchanges: they run, fail and restart together. */
export interface PipelinedRegion {
  /** Position in PipelinedRegions.regions (regions in topological order of their first vertex). */
  readonly index: number;
  /** In the topology's (topological) order. */
  readonly vertices: readonly ExecutionVertexId[];
}

/**
 * The pipelined regions of a topology (Flink's SchedulingPipelinedRegionComputeUtil): vertices joined
 * by PIPELINED exchanges share a region; BLOCKING exchanges separate them. Regions whose BLOCKING
 * exchanges form a cycle (region A feeds B and B feeds A, as a diamond of pipelined and blocking edges
 * can) are merged, so that the regions form a DAG and each can be scheduled after its inputs.
 */
export class PipelinedRegions {
  readonly regions: readonly PipelinedRegion[];
  private readonly regionByVertex: ReadonlyMap<ExecutionVertexId, PipelinedRegion>;

  constructor(topology: SchedulingTopology) {
    const vertices = [...topology.getVertices()].map((v) => v.id);
    const position = new Map(vertices.map((id, i) => [id, i]));
    const pipelined = new UnionFind(vertices.length);
    const blockingEdges: Array<[number, number]> = [];
    for (const v of topology.getVertices()) {
      for (const partitionId of v.producedResults) {
        const partition = topology.getResultPartition(partitionId);
        for (const consumer of partition.consumers) {
          const [from, to] = [position.get(v.id) as number, position.get(consumer) as number];
          if (partition.resultType === 'PIPELINED') pipelined.union(from, to);
          else blockingEdges.push([from, to]);
        }
      }
    }
    // Regions joined by a cycle of blocking edges become one: strongly connected components of the region graph.
    const merged = mergeCycles(vertices.length, (i) => pipelined.find(i), blockingEdges);
    const members = new Map<number, ExecutionVertexId[]>();
    vertices.forEach((id, i) => {
      const root = merged.find(pipelined.find(i));
      const list = members.get(root);
      if (list) list.push(id);
      else members.set(root, [id]);
    });
    // Map iteration follows first insertion: the order of each region's first vertex.
    const regions = [...members.values()].map((list, index) => ({ index, vertices: list }));
    this.regions = regions;
    this.regionByVertex = new Map(regions.flatMap((r) => r.vertices.map((id) => [id, r] as const)));
  }

  regionOf(vertex: ExecutionVertexId): PipelinedRegion {
    const region = this.regionByVertex.get(vertex);
    if (!region) throw new Error(`Unknown execution vertex ${vertex}`);
    return region;
  }
}

class UnionFind {
  private readonly parent: number[];

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    // Path compression: later finds of the same members are one step.
    for (let at = i; this.parent[at] !== root; ) [at, this.parent[at]] = [this.parent[at], root];
    return root;
  }

  union(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Unions the regions (named by `regionOf(vertex)`) that lie on a common cycle of `edges` between
 * them (Tarjan's strongly connected components, iterative so deep graphs cannot overflow the stack).
 */
function mergeCycles(size: number, regionOf: (vertex: number) => number, edges: ReadonlyArray<readonly [number, number]>): UnionFind {
  const successors = new Map<number, Set<number>>();
  for (const [from, to] of edges) {
    const [a, b] = [regionOf(from), regionOf(to)];
    if (a === b) continue;
    let set = successors.get(a);
    if (!set) successors.set(a, (set = new Set()));
    set.add(b);
  }
  const merged = new UnionFind(size);
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  let counter = 0;
  for (const start of successors.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: number; next: Iterator<number> }> = [];
    const visit = (node: number) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: (successors.get(node) ?? new Set<number>()).values() });
    };
    visit(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const step = frame.next.next();
      if (!step.done) {
        const succ = step.value;
        if (!index.has(succ)) visit(succ);
        else if (onStack.has(succ)) low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(succ) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        for (;;) {
          const member = stack.pop() as number;
          onStack.delete(member);
          merged.union(member, frame.node);
          if (member === frame.node) break;
        }
      }
    }
  }
  return merged;
}
