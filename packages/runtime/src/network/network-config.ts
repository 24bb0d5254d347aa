import type { Configuration } from '@flott/core';
import { CoreOptions, NetworkOptions } from '../config/options';
import type { LocalHandOver } from './result-partition';

/**
 * Sizes and bounds of the data plane, read once per task from the configuration. Every buffer a
 * channel can hold follows from these numbers (see ResultPartition and InputGate for the bounds).
 */
export interface NetworkConfig {
  /** Bytes per buffer (taskmanager.memory.segment-size, default 32 KiB). */
  segmentSize: number;
  /** Exclusive credits per input channel (default 2). */
  buffersPerChannel: number;
  /** Extra credits per gate, split evenly over its channels when they connect (default 8). */
  floatingBuffersPerGate: number;
  /** Most finished buffers queued per subpartition at the producer before it is back-pressured (default 10). */
  maxBuffersPerChannel: number;
  /** Extra buffers a subpartition may take while it finishes the current record (default 5). */
  maxOverdraftBuffers: number;
  /** How records reach a consumer in the same thread (local-hand-over.enabled, pipeline.object-reuse). */
  localHandOver: LocalHandOver;
  /** Entries per segment of a local hand-over (taskmanager.network.local-hand-over.records-per-segment). */
  recordsPerSegment: number;
}

function localHandOverOf(enabled: boolean, objectReuse: boolean): LocalHandOver {
  if (!enabled) return 'off';
  return objectReuse ? 'reuse' : 'copy';
}

export function networkConfigFrom(config: Configuration): NetworkConfig {
  return {
    segmentSize: config.get(NetworkOptions.SEGMENT_SIZE),
    buffersPerChannel: config.get(NetworkOptions.BUFFERS_PER_CHANNEL),
    floatingBuffersPerGate: config.get(NetworkOptions.FLOATING_BUFFERS_PER_GATE),
    maxBuffersPerChannel: config.get(NetworkOptions.MAX_BUFFERS_PER_CHANNEL),
    maxOverdraftBuffers: config.get(NetworkOptions.MAX_OVERDRAFT_BUFFERS),
    localHandOver: localHandOverOf(config.get(NetworkOptions.LOCAL_HAND_OVER), config.get(CoreOptions.OBJECT_REUSE)),
    recordsPerSegment: config.get(NetworkOptions.LOCAL_HAND_OVER_RECORDS),
  };
}

/** The defaults of the options above, for tests and tools that run without a Configuration. */
export function defaultNetworkConfig(overrides: Partial<NetworkConfig> = {}): NetworkConfig {
  return {
    segmentSize: NetworkOptions.SEGMENT_SIZE.defaultValue,
    buffersPerChannel: NetworkOptions.BUFFERS_PER_CHANNEL.defaultValue,
    floatingBuffersPerGate: NetworkOptions.FLOATING_BUFFERS_PER_GATE.defaultValue,
    maxBuffersPerChannel: NetworkOptions.MAX_BUFFERS_PER_CHANNEL.defaultValue,
    maxOverdraftBuffers: NetworkOptions.MAX_OVERDRAFT_BUFFERS.defaultValue,
    localHandOver: localHandOverOf(NetworkOptions.LOCAL_HAND_OVER.defaultValue, CoreOptions.OBJECT_REUSE.defaultValue),
    recordsPerSegment: NetworkOptions.LOCAL_HAND_OVER_RECORDS.defaultValue,
    ...overrides,
  };
}

/** Credits an input channel of a gate with `numChannels` channels grants its producer up front. */
export function initialCreditsPerChannel(config: NetworkConfig, numChannels: number): number {
  return config.buffersPerChannel + Math.floor(config.floatingBuffersPerGate / Math.max(1, numChannels));
}
