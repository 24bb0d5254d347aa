import { Configuration, ConfigurationError } from '@flott/core';
import { defaultNetworkConfig, initialCreditsPerChannel, networkConfigFrom } from './network-config';

describe('networkConfigFrom', () => {
  it('reads the defaults', () => {
    expect(networkConfigFrom(new Configuration())).toEqual({
      segmentSize: 32768, buffersPerChannel: 2, floatingBuffersPerGate: 32, maxBuffersPerChannel: 10, maxOverdraftBuffers: 1024,
      localHandOver: 'copy', recordsPerSegment: 1024,
    });
    expect(defaultNetworkConfig()).toEqual(networkConfigFrom(new Configuration()));
  });

  it("reads Flink's keys, parsing sizes", () => {
    const config = Configuration.fromRecord({
      'taskmanager.memory.segment-size': '64 kb',
      'taskmanager.network.memory.buffers-per-channel': '4',
      'taskmanager.network.memory.floating-buffers-per-gate': 0,
      'taskmanager.network.memory.max-buffers-per-channel': 3,
      'taskmanager.network.memory.max-overdraft-buffers-per-gate': 1,
    });
    expect(networkConfigFrom(config)).toEqual({
      segmentSize: 65536, buffersPerChannel: 4, floatingBuffersPerGate: 0, maxBuffersPerChannel: 3, maxOverdraftBuffers: 1,
      localHandOver: 'copy', recordsPerSegment: 1024,
    });
  });

  it('reads how records reach a consumer in the same thread: copies, the objects themselves (object reuse), or bytes', () => {
    const of = (record: Record<string, unknown>) => networkConfigFrom(Configuration.fromRecord(record));
    expect(of({ 'pipeline.object-reuse': true }).localHandOver).toBe('reuse');
    expect(of({ 'taskmanager.network.local-hand-over.enabled': false, 'pipeline.object-reuse': true }).localHandOver).toBe('off');
    expect(of({ 'taskmanager.network.local-hand-over.records-per-segment': 64 }).recordsPerSegment).toBe(64);
    expect(() => of({ 'taskmanager.network.local-hand-over.records-per-segment': 0 })).toThrow(ConfigurationError);
  });

  it('rejects a segment too small for the buffer format', () => {
    expect(() => networkConfigFrom(Configuration.fromRecord({ 'taskmanager.memory.segment-size': '16b' }))).toThrow(ConfigurationError);
  });

  it('splits floating buffers evenly over the channels of a gate', () => {
    // 2 exclusive + 32 floating per gate.
    expect(initialCreditsPerChannel(defaultNetworkConfig(), 1)).toBe(34);
    expect(initialCreditsPerChannel(defaultNetworkConfig(), 3)).toBe(12);
    expect(initialCreditsPerChannel(defaultNetworkConfig(), 100)).toBe(2);
  });
});
