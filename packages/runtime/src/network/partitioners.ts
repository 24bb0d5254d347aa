import { assert } from '@flott/core';
import type { PartitionerKind } from '../deployment/job-graph';
import { computeKeyGroupForKeyHash, defaultMaxParallelism, hashKey } from './key-groups';

/**
 * Chooses the subpartition of each record of one output edge of one producer subtask. Stateful
 * (round robin), so one instance per producer subtask and edge. When `isBroadcast` is true the
 * caller uses ResultPartition.broadcastEmit and never calls selectChannel.
 */
export interface ChannelSelector<T> {
  readonly isBroadcast: boolean;
  selectChannel(value: T): number;
}

export interface ChannelSelectorOptions<T> {
  /** Subpartitions of this producer for the edge (for rescale: its pointwise consumers). */
  numChannels: number;
  producerSubtask: number;
  /** hash only. */
  keySelector?: (value: T) => unknown;
  /** hash only: key groups of the consumer; defaults to defaultMaxParallelism(numChannels). */
  maxParallelism?: number;
  /** shuffle only: uniform in [0, 1); injected so runs are reproducible. */
  random?: () => number;
}

class FirstChannelSelector<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  selectChannel(): number {
    return 0;
  }
}

/** Round robin over all channels; `first` is the channel of the first record. */
class RoundRobinSelector<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  private next: number;
  constructor(private readonly numChannels: number, first: number) {
    this.next = first;
  }
  selectChannel(): number {
    const channel = this.next;
    this.next = channel + 1 === this.numChannels ? 0 : channel + 1;
    return channel;
  }
}

class ShuffleSelector<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  constructor(private readonly numChannels: number, private readonly random: () => number) {}
  selectChannel(): number {
    return Math.floor(this.random() * this.numChannels);
  }
}

class BroadcastSelector<T> implements ChannelSelector<T> {
  readonly isBroadcast = true;
  selectChannel(): number {
    throw new Error('Assertion failed: a broadcast edge emits with broadcastEmit, not selectChannel');
  }
}

class KeyGroupSelector<T> implements ChannelSelector<T> {
  readonly isBroadcast = false;
  constructor(
    private readonly numChannels: number,
    private readonly maxParallelism: number,
    private readonly keySelector: (value: T) => unknown,
  ) {}
  selectChannel(value: T): number {
    const keyGroup = computeKeyGroupForKeyHash(hashKey(this.keySelector(value)), this.maxParallelism);
    return Math.floor((keyGroup * this.numChannels) / this.maxParallelism);
  }
}

/**
 * Flink's partitioners: forward and global send to channel 0; rebalance is round robin starting at
 * producerSubtask % numChannels (so producers start spread out, deterministically); rescale is round
 * robin over this producer's pointwise consumers starting at 0; shuffle picks uniformly with `random`;
 * broadcast sends to every channel; hash sends a key to the subtask owning its key group.
 */
export function createChannelSelector<T>(kind: PartitionerKind, opts: ChannelSelectorOptions<T>): ChannelSelector<T> {
  const n = opts.numChannels;
  assert(Number.isInteger(n) && n >= 1, `numChannels must be a positive integer, got ${n}`);
  switch (kind) {
    case 'forward':
      assert(n === 1, `a forward edge connects exactly one consumer per producer, got ${n} channels`);
      return new FirstChannelSelector<T>();
    case 'global':
      return new FirstChannelSelector<T>();
    case 'rebalance':
      return new RoundRobinSelector<T>(n, opts.producerSubtask % n);
    case 'rescale':
      return new RoundRobinSelector<T>(n, 0);
    case 'shuffle': {
      const random = opts.random;
      assert(random !== undefined, 'the shuffle partitioner needs an injected random source');
      return new ShuffleSelector<T>(n, random);
    }
    case 'broadcast':
      return new BroadcastSelector<T>();
    case 'hash': {
      const keySelector = opts.keySelector;
      assert(keySelector !== undefined, 'the hash partitioner needs a keySelector');
      const maxParallelism = opts.maxParallelism ?? defaultMaxParallelism(n);
      assert(maxParallelism >= n, `maxParallelism ${maxParallelism} is below the consumer parallelism ${n}`);
      return new KeyGroupSelector<T>(n, maxParallelism, keySelector);
    }
  }
}
