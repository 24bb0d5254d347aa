/**
 * The contiguous share [start, end) of `total` items that subtask `index` of `parallelism` owns:
 * sizes differ by at most one and the shares cover [0, total) exactly once, in subtask order.
 * Computed without multiplying `total`, so totals up to 2^53 stay exact.
 */
export function splitRange(total: number, index: number, parallelism: number): { start: number; end: number } {
  if (!Number.isInteger(parallelism) || parallelism < 1 || !Number.isInteger(index) || index < 0 || index >= parallelism) {
    throw new Error(`Assertion failed: subtask ${index} of ${parallelism}`);
  }
  const base = Math.floor(total / parallelism);
  const remainder = total - base * parallelism;
  const start = index * base + Math.min(index, remainder);
  const end = start + base + (index < remainder ? 1 : 0);
  return { start, end };
}
