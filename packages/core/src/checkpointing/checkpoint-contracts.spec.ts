import { AbstractRichFunction } from '../rich-functions/rich-functions';
import type { FunctionInitializationContext, FunctionSnapshotContext } from './checkpointed-function';
import { isCheckpointedFunction } from './checkpointed-function';
import { isCheckpointListener } from './checkpoint-listener';

class BufferingSink extends AbstractRichFunction {
  snapshotState(_context: FunctionSnapshotContext): void {}
  initializeState(_context: FunctionInitializationContext): void {}
  notifyCheckpointComplete(_checkpointId: number): void {}
}

describe('checkpoint contracts: type guards', () => {
  it('recognise a class implementing both contracts, and plain objects with the methods (duck-typed)', () => {
    const sink = new BufferingSink();
    expect(isCheckpointedFunction(sink)).toBe(true);
    expect(isCheckpointListener(sink)).toBe(true);
    expect(isCheckpointedFunction({ snapshotState() {}, initializeState: async () => {} })).toBe(true);
    expect(isCheckpointListener({ notifyCheckpointComplete: async () => {} })).toBe(true);
  });

  it('reject functions with only part of a contract, lambdas and non-objects', () => {
    expect(isCheckpointedFunction({ snapshotState() {} })).toBe(false);
    expect(isCheckpointedFunction({ initializeState() {} })).toBe(false);
    expect(isCheckpointListener({ notifyCheckpointAborted() {} })).toBe(false);
    for (const f of [(x: number) => x, null, undefined, 3, 'snapshotState']) {
      expect(isCheckpointedFunction(f)).toBe(false);
      expect(isCheckpointListener(f)).toBe(false);
    }
  });
});
