import type { KeyedStateEntry, KeyedStateSnapshot, KeyGroupSnapshot, OperatorStateSnapshotData, TimerEntry } from '../snapshot/snapshot-data';
import { SeededRandom, type Random } from '../time/random';

// Seeded snapshots for property-style tests of the checkpoint format and of anything that snapshots
// and restores: the same seed gives the same snapshot, so a failing seed reproduces.

function int(random: Random, below: number): number {
  return Math.floor(random.nextDouble() * below);
}

function pick<T>(random: Random, choices: readonly T[]): T {
  return choices[int(random, choices.length)];
}

/** A key as jobs use them: a string, a number or a tuple. */
export function randomKey(random: Random): unknown {
  switch (int(random, 3)) {
    case 0:
      return `key-${int(random, 1000)}`;
    case 1:
      return int(random, 2 ** 40) - 2 ** 39;
    default:
      return [`user-${int(random, 50)}`, int(random, 10)];
  }
}

/** A namespace as the window operators use them: none, a `{start, end}` window, or a string. */
export function randomNamespace(random: Random): unknown {
  switch (int(random, 3)) {
    case 0:
      return undefined;
    case 1: {
      const start = int(random, 1_000_000) * 1000;
      return { start, end: start + 5000 };
    }
    default:
      return `ns-${int(random, 20)}`;
  }
}

/** A state value of one of the shapes state holds: scalars, lists, maps, sets, nested records, bigint. */
export function randomStateValue(random: Random, depth = 0): unknown {
  const leafOnly = depth >= 2;
  switch (int(random, leafOnly ? 6 : 11)) {
    case 0:
      return int(random, 1_000_000);
    case 1:
      return random.nextDouble() * 1e6 - 5e5;
    case 2:
      return `value-${int(random, 1_000_000)}-ü€😀`;
    case 3:
      return pick(random, [true, false, null, Number.MAX_SAFE_INTEGER, Number.NEGATIVE_INFINITY]);
    case 4:
      return BigInt(int(random, 1_000_000)) * 10n ** BigInt(int(random, 30)) * (random.nextDouble() < 0.5 ? -1n : 1n);
    case 5:
      return new Date(int(random, 2 ** 42));
    case 6:
      return Array.from({ length: int(random, 4) }, () => randomStateValue(random, depth + 1));
    case 7:
      // A Map<number, unknown[]>, as the interval join and window contents keep.
      return new Map(Array.from({ length: int(random, 4) }, (_, i) => [i * 1000 + int(random, 1000), [randomStateValue(random, depth + 1)]]));
    case 8:
      return new Set(Array.from({ length: int(random, 4) }, () => `m-${int(random, 100)}`));
    case 9:
      return { count: int(random, 100), sum: random.nextDouble(), last: randomStateValue(random, depth + 1), missing: undefined };
    default:
      return Uint8Array.from({ length: int(random, 8) }, () => int(random, 256));
  }
}

function randomTimers(random: Random): TimerEntry[] {
  return Array.from({ length: int(random, 3) }, () => ({ key: randomKey(random), namespace: randomNamespace(random), timestamp: int(random, 2 ** 42) }));
}

/**
 * The keyed state of a subtask over `range` of `maxParallelism` key groups: about `density` of its key
 * groups non-empty, each with up to three states and two timer services.
 */
export function randomKeyedStateSnapshot(
  seed: number,
  options: { startKeyGroup?: number; endKeyGroup?: number; maxParallelism?: number; density?: number; maxEntries?: number } = {},
): KeyedStateSnapshot {
  const random = new SeededRandom(seed);
  const { startKeyGroup = 0, endKeyGroup = 127, maxParallelism = 128, density = 0.5, maxEntries = 6 } = options;
  const groups: KeyGroupSnapshot[] = [];
  for (let keyGroup = startKeyGroup; keyGroup <= endKeyGroup; keyGroup++) {
    if (random.nextDouble() >= density) continue;
    const states = ['count', 'window-contents', 'window-trigger']
      .filter(() => random.nextDouble() < 0.7)
      .map((name) => ({
        name,
        entries: Array.from({ length: 1 + int(random, maxEntries) }, (): KeyedStateEntry => ({
          key: randomKey(random),
          namespace: randomNamespace(random),
          value: randomStateValue(random),
        })),
      }));
    const timers = ['user-timers', 'window-timers']
      .filter(() => random.nextDouble() < 0.4)
      .map((service) => ({ service, eventTime: randomTimers(random), processingTime: randomTimers(random) }));
    groups.push({ keyGroup, states, timers });
  }
  return { keyGroupRange: { startKeyGroup, endKeyGroup }, maxParallelism, groups };
}

/** Operator state of one subtask: list, union list and broadcast states with random elements. */
export function randomOperatorStateSnapshot(seed: number): OperatorStateSnapshotData {
  const random = new SeededRandom(seed);
  return {
    states: [
      { name: 'offsets', mode: 'SPLIT_DISTRIBUTE', values: Array.from({ length: int(random, 5) }, () => randomStateValue(random)) },
      { name: 'splits', mode: 'UNION', values: Array.from({ length: int(random, 5) }, () => randomStateValue(random)) },
      { name: 'rules', mode: 'BROADCAST', values: Array.from({ length: int(random, 3) }, () => [randomKey(random), randomStateValue(random)]) },
    ],
  };
}
