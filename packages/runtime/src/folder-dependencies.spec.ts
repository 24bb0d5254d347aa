import * as fs from 'fs';
import * as path from 'path';

// Issue 12 resolved the folder cycles by moving the shared types into folders both sides may import
// (execution/, deployment/, serialization/, operators/task-runtime-context.ts). The last one ran
// graph -> operators -> spi -> graph (state joined it through operators -> state -> spi): the SPIs name the
// JobGraph and its ResultPartitionType, so those descriptors (with PartitionerKind, which they carry)
// moved from graph/ to deployment/. These checks keep the back edges from returning, and the folders acyclic.

const SRC = __dirname;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

/** A top-level folder of src, or a file directly in src. */
function unitOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0].replace(/\.ts$/, '');
}

/** `from -> to` for every relative import that crosses from one folder into another. */
function folderEdges(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'/g)) {
      const edge = `${unitOf(file)} -> ${unitOf(path.resolve(path.dirname(file), spec))}`;
      edges.set(edge, [...(edges.get(edge) ?? []), path.relative(SRC, file)]);
    }
  }
  return edges;
}

/** Each cycle among the folders, as the path that closes it (`a -> b -> a`), found by depth-first search. */
function folderCycles(edges: Map<string, string[]>): string[] {
  const next = new Map<string, string[]>();
  for (const edge of edges.keys()) {
    const [from, to] = edge.split(' -> ');
    if (from !== to) next.set(from, [...(next.get(from) ?? []), to]);
  }
  const done = new Set<string>();
  const cycles: string[] = [];
  const visit = (unit: string, trail: string[]): void => {
    const at = trail.indexOf(unit);
    if (at >= 0) {
      cycles.push([...trail.slice(at), unit].join(' -> '));
      return;
    }
    if (done.has(unit)) return;
    for (const to of next.get(unit) ?? []) visit(to, [...trail, unit]);
    done.add(unit);
  };
  for (const unit of next.keys()) visit(unit, []);
  return cycles;
}

describe('@flott/runtime folder dependencies', () => {
  const edges = folderEdges();

  it.each([
    ['graph -> network', 'the default serializer lives in serialization/'],
    ['spi -> executiongraph', 'ExecutionState and JobStatus live in execution/'],
    ['rpc -> taskexecutor', 'deployment descriptors and partition keys live in deployment/'],
    ['jobmaster -> taskexecutor', 'deployment descriptors live in deployment/, accumulator merging in execution/'],
    ['network -> operators', 'the network stack knows records and events, not operators'],
    ['operators -> taskexecutor', 'the runtime context operators see lives in operators/'],
    ['spi -> graph', 'the JobGraph descriptors the SPIs name live in deployment/'],
    ['deployment -> graph', 'the JobGraph descriptors and PartitionerKind live in deployment/'],
  ])('has no import %s (%s)', (edge) => {
    expect(edges.get(edge) ?? []).toEqual([]);
  });

  it('has no folder cycle', () => {
    expect(folderCycles(edges)).toEqual([]);
  });
});
