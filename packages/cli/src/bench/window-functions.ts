/**
 * The windowed-count benchmark's input and its hand-written baseline. Events: key = i % KEYS,
 * event time = floor(i / EVENTS_PER_MS) ms (monotonous), so every key has data in every slice.
 */
export const KEYS = 100;
export const EVENTS_PER_MS = 10;

export interface KeyedEvent {
  readonly key: number;
  readonly ts: number;
}

export function eventAt(i: number): KeyedEvent {
  return { key: i % KEYS, ts: Math.floor(i / EVENTS_PER_MS) };
}

export interface WindowTotals {
  /** Number of (key, window) results. */
  readonly results: number;
  /** Sum of all window counts (each event counts once per window it belongs to). */
  readonly sum: number;
}

/**
 * The same keyed count, hand-written the efficient way: per key, counts per slice of `slide` ms,
 * then each window's count as a running sum over size/slide slices. Tumbling is slide = size.
 */
export function baselineWindowCount(n: number, sizeMs: number, slideMs: number): WindowTotals {
  const span = Math.floor((n - 1) / EVENTS_PER_MS) + 1;
  const slices = Math.ceil(span / slideMs);
  const perKey = Array.from({ length: KEYS }, () => new Float64Array(slices));
  for (let i = 0; i < n; i++) {
    const e = eventAt(i);
    perKey[e.key][Math.floor(e.ts / slideMs)]++;
  }
  const w = sizeMs / slideMs;
  let results = 0;
  let sum = 0;
  for (const counts of perKey) {
    let running = 0;
    // Windows end after slice j for j = 0 .. slices + w - 2 (the last ones hold only trailing slices).
    for (let j = 0; j < slices + w - 1; j++) {
      if (j < slices) running += counts[j];
      if (j - w >= 0) running -= counts[j - w];
      if (running > 0) {
        results++;
        sum += running;
      }
    }
  }
  return { results, sum };
}
