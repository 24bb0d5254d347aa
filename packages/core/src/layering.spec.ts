import * as fs from 'fs';
import * as path from 'path';

// Core carries no machinery and its folders form layers (issue 12): these checks keep it that way.

const SRC = __dirname;
/** Everything core may import from outside itself. */
const ALLOWED_EXTERNAL = new Set(['zod']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
}

/** A top-level folder of src, or a file directly in src (without `.ts`). */
function unitOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0].replace(/\.ts$/, '');
}

const files = sourceFiles(SRC).filter((f) => path.relative(SRC, f) !== 'index.ts');

describe('@flott/core layering', () => {
  it('imports nothing from outside core but its allowed dependencies (no Node built-ins, no Flott package)', () => {
    const foreign = files.flatMap((f) =>
      importsOf(f)
        .filter((spec) => !spec.startsWith('.') && !ALLOWED_EXTERNAL.has(spec))
        .map((spec) => `${path.relative(SRC, f)} imports ${spec}`),
    );
    expect(foreign).toEqual([]);
  });

  it('has no cycle between its folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files) {
      const from = unitOf(f);
      for (const spec of importsOf(f)) {
        if (!spec.startsWith('.')) continue;
        const to = unitOf(path.resolve(path.dirname(f), spec));
        if (to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (unit: string, trail: string[]): void => {
      if (state.get(unit) === 'done') return;
      if (state.get(unit) === 'visiting') {
        cycles.push([...trail.slice(trail.indexOf(unit)), unit].join(' -> '));
        return;
      }
      state.set(unit, 'visiting');
      for (const next of edges.get(unit) ?? []) visit(next, [...trail, unit]);
      state.set(unit, 'done');
    };
    for (const unit of edges.keys()) visit(unit, []);
    expect(cycles).toEqual([]);
  });
});
