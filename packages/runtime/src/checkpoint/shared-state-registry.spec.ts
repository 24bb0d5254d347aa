import type { StreamStateHandle, TaskStateSnapshot } from '../snapshot/snapshot-data';
import { SharedStateRegistry } from './shared-state-registry';

const file = (name: string): StreamStateHandle => ({ kind: 'file', uri: `file:///c/job/shared/${name}`, size: 10 });
const range = { startKeyGroup: 0, endKeyGroup: 127 };
/** An acknowledgement with one incremental keyed handle: base, then change files. */
const ack = (base: string, ...changes: string[]): TaskStateSnapshot => ({ op: { keyed: { keyGroupRange: range, handle: file(base), changes: changes.map(file) } } });
const uris = (hs: StreamStateHandle[]): string[] => hs.map((h) => (h.kind === 'file' ? h.uri.split('/').pop()! : 'inline')).sort();

describe('SharedStateRegistry', () => {
  it('deletes a file when the last checkpoint holding it goes, not before', () => {
    const r = new SharedStateRegistry();
    r.register(1, ack('b1'));
    r.register(2, ack('b1', 'd2'));
    r.register(3, ack('b1', 'd2', 'd3'));
    expect(uris(r.release(1))).toEqual([]);
    expect(uris(r.release(2))).toEqual([]);
    r.register(4, ack('b4'));
    expect(uris(r.release(3))).toEqual(['b1', 'd2', 'd3']);
    expect(r.size()).toBe(1);
  });

  it('an aborted checkpoint frees only its own new files', () => {
    const r = new SharedStateRegistry();
    r.register(1, ack('b1'));
    r.register(2, ack('b1', 'd2'));
    expect(uris(r.release(2))).toEqual(['d2']);
    expect(uris(r.release(1))).toEqual(['b1']);
  });

  it('finds a base no checkpoint holds any more (the task had not heard of a newer completed one); the newest file is the new one', () => {
    const r = new SharedStateRegistry();
    r.register(1, ack('b1'));
    expect(r.missingBase(ack('b1', 'd2'))).toBeUndefined();
    expect(r.missingBase(ack('b9'))).toBeUndefined();
    r.release(1);
    expect(r.missingBase(ack('b1', 'd2'))).toBe('file:///c/job/shared/b1');
    expect(uris(r.unheldNewFiles(ack('b1', 'd2')))).toEqual(['d2']);
    expect(uris(r.unheldNewFiles(ack('b9')))).toEqual(['b9']);
  });

  it('ignores inline handles and keyed handles of full (non-incremental) checkpoints', () => {
    const r = new SharedStateRegistry();
    r.register(1, { a: { keyed: { keyGroupRange: range, handle: file('exclusive') }, operator: file('op') }, b: { keyed: { keyGroupRange: range, handle: { kind: 'inline', data: new Uint8Array(1) }, changes: [] } } });
    expect(r.size()).toBe(0);
    expect(r.release(1)).toEqual([]);
  });
});
