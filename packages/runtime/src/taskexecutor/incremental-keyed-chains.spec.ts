import type { StreamStateHandle } from '../snapshot/snapshot-data';
import { IncrementalKeyedChains, isSavepointPointer } from './incremental-keyed-chains';

const range = { startKeyGroup: 0, endKeyGroup: 127 };
const file = (name: string, size = 100): StreamStateHandle => ({ kind: 'file', uri: `file:///c/j/shared/${name}`, size });

describe('IncrementalKeyedChains', () => {
  it('builds only on completed checkpoints: an acknowledged but aborted one is never a base', () => {
    const chains = new IncrementalKeyedChains(8);
    expect(chains.baseFor('op')).toBeUndefined();
    chains.recordAcknowledged(1, 'op', chains.handleOf(range, file('b1'), undefined));
    expect(chains.baseFor('op')).toBeUndefined();
    chains.notifyComplete(1);
    const base = chains.baseFor('op')!;
    expect(base.checkpointId).toBe(1);
    chains.recordAcknowledged(2, 'op', chains.handleOf(range, file('d2', 10), base));
    chains.notifyAborted(2);
    expect(chains.baseFor('op')?.checkpointId).toBe(1);
    const third = chains.handleOf(range, file('d3', 10), chains.baseFor('op'));
    expect(third).toEqual({ keyGroupRange: range, handle: file('b1'), changes: [file('d3', 10)] });
    chains.recordAcknowledged(3, 'op', third);
    chains.notifyComplete(3);
    expect(chains.baseFor('op')).toEqual({ checkpointId: 3, keyed: third });
  });

  it('cuts the chain at max-chain-length change files, or when they outgrow the full file', () => {
    let chains = new IncrementalKeyedChains(2);
    let id = 0;
    const step = (name: string, size: number): void => {
      const h = chains.handleOf(range, file(name, size), chains.baseFor('op'));
      chains.recordAcknowledged(++id, 'op', h);
      chains.notifyComplete(id);
    };
    step('b1', 100);
    step('d2', 10);
    step('d3', 10);
    expect(chains.baseFor('op')).toBeUndefined();
    chains = new IncrementalKeyedChains(8);
    step('b4', 100);
    step('d5', 60);
    expect(chains.baseFor('op')?.checkpointId).toBe(5);
    step('d6', 50);
    expect(chains.baseFor('op')).toBeUndefined();
  });

  it('tells savepoint locations (always full and self-contained) from checkpoint locations', () => {
    expect(isSavepointPointer('/sp/savepoint-0123ab-0123456789ab')).toBe(true);
    expect(isSavepointPointer('file:///sp/savepoint-0123ab-0123456789ab/')).toBe(true);
    expect(isSavepointPointer('/c/0123/chk-4')).toBe(false);
    expect(isSavepointPointer('jobmanager://0123/chk-4')).toBe(false);
  });
});
