import { Configuration } from '@flott/core';
import { isCheckpointingEnabled } from './checkpointing-settings';

describe('isCheckpointingEnabled', () => {
  const withInterval = (interval: string): Configuration => Configuration.fromRecord({ 'execution.checkpointing.interval': interval });

  it('is off when execution.checkpointing.interval is unset or 0 (Flink: no default, checkpointing disabled)', () => {
    expect(isCheckpointingEnabled(new Configuration(), 'STREAMING')).toBe(false);
    expect(isCheckpointingEnabled(withInterval('0 ms'), 'STREAMING')).toBe(false);
  });

  it('is on for a streaming job with a positive interval', () => {
    expect(isCheckpointingEnabled(withInterval('10 s'), 'STREAMING')).toBe(true);
    expect(isCheckpointingEnabled(withInterval('500'), 'STREAMING')).toBe(true);
  });

  it('is off for a batch job whatever the interval, as Flink turns checkpointing off in BATCH mode', () => {
    expect(isCheckpointingEnabled(withInterval('10 s'), 'BATCH')).toBe(false);
  });

  it('rejects an interval that is not a duration, naming the key', () => {
    expect(() => isCheckpointingEnabled(withInterval('often'), 'STREAMING')).toThrow('execution.checkpointing.interval');
  });
});
