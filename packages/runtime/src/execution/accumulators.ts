/**
 * Merges the accumulator values the subtasks reported: numbers and bigints add up, arrays
 * concatenate, plain objects merge per key; otherwise the last value wins.
 */
export function mergeAccumulatorValues(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = k in out ? mergeAccumulatorValues(out[k], v) : v;
    return out;
  }
  return b;
}
