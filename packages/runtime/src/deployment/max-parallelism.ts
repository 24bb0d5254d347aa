/** Flink's bounds for the derived maximum parallelism (number of key groups). */
export const MIN_DEFAULT_MAX_PARALLELISM = 128;
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

function roundUpToPowerOfTwo(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/**
 * Max parallelism Flink derives when none is set: p * 1.5 rounded up to a power of two, clamped to
 * [128, 32768]. Leaving room above p lets a savepoint be restored at a somewhat higher parallelism.
 */
export function defaultMaxParallelism(parallelism: number): number {
  const wanted = roundUpToPowerOfTwo(parallelism + Math.floor(parallelism / 2));
  return Math.min(Math.max(wanted, MIN_DEFAULT_MAX_PARALLELISM), UPPER_BOUND_MAX_PARALLELISM);
}
