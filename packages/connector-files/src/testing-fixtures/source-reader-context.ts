import type { ReaderOutput, SourceReaderContext } from '@flott/core';

/** The context of a reader run by hand in a test: subtask 0 of 1, split requests go nowhere, the clock stands at 0. */
export function testingReaderContext(): SourceReaderContext {
  return {
    getIndexOfSubtask: () => 0,
    currentParallelism: () => 1,
    sendSplitRequest() {},
    sendSourceEventToCoordinator() {},
    clock: { currentTimeMillis: () => 0, relativeTimeMillis: () => 0 },
    schedule: () => ({ cancel() {} }),
  };
}

/** An output that appends every record to `into`, for every split. */
export function collectingOutput<T>(into: T[]): ReaderOutput<T> {
  const out = { collect: (record: T) => into.push(record), emitWatermark() {}, markIdle() {}, markActive() {} };
  return { ...out, createOutputForSplit: () => out, releaseOutputForSplit() {} };
}
