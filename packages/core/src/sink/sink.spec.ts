import { isCommittingSinkWriter, isSink, isStatefulSinkWriter, supportsCommitter, supportsWriterState, type Sink, type SinkWriter } from './sink';

const writer: SinkWriter<string> = { write: () => undefined, flush: () => undefined, close: () => undefined };

describe('Sink V2 shapes', () => {
  it('tells a Sink from a SinkFunction by its createWriter', () => {
    expect(isSink({ createWriter: () => writer })).toBe(true);
    expect(isSink({ invoke: () => undefined })).toBe(false);
    expect(isSink(null)).toBe(false);
  });

  it('tells what a sink and its writer support', () => {
    const plain: Sink<string> = { createWriter: () => writer };
    const full = { createWriter: () => writer, createCommitter: () => ({ commit: () => undefined, close: () => undefined }), restoreWriter: () => ({ ...writer, snapshotState: () => [] }) };
    expect([supportsCommitter(plain), supportsWriterState(plain)]).toEqual([false, false]);
    expect([supportsCommitter(full), supportsWriterState(full)]).toEqual([true, true]);
    expect([isCommittingSinkWriter(writer), isStatefulSinkWriter(writer)]).toEqual([false, false]);
    const committing: SinkWriter<string> = Object.assign({ prepareCommit: () => [] }, writer);
    const stateful: SinkWriter<string> = Object.assign({ snapshotState: () => [] }, writer);
    expect([isCommittingSinkWriter(committing), isStatefulSinkWriter(stateful)]).toEqual([true, true]);
  });
});
