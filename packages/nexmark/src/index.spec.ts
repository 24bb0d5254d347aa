import * as nexmark from './index';

// What query jobs import: every name the package exports must resolve (a re-export of a name its
// source no longer has compiles to undefined under isolated transpilation), and the unified source
// the queries read must be there.
describe('@flott/nexmark exports', () => {
  it('exports no undefined name', () => {
    const undefinedNames = Object.entries(nexmark).filter(([, value]) => value === undefined).map(([name]) => name);
    expect(undefinedNames).toEqual([]);
  });

  it('has the generator, the unified source and its splits, and the codecs', () => {
    for (const name of ['NexmarkGenerator', 'NexmarkSource', 'NexmarkSourceReader', 'nexmarkSource', 'nexmarkSplits']) {
      expect(typeof (nexmark as Record<string, unknown>)[name]).toBe('function');
    }
    expect(Object.keys(nexmark.nexmarkSerializers).length).toBeGreaterThan(0);
    // One split per reader, each starting at its first block; a reader without a block gets none.
    expect(nexmark.nexmarkSplits(25_000, 3, 10_000).map((s) => s.next)).toEqual([0, 10_000, 20_000]);
    expect(nexmark.nexmarkSplits(15_000, 3, 10_000).map((s) => s.splitId)).toEqual(['0', '1']);
  });
});
