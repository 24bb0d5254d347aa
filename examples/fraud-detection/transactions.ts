/** Generated card transactions: deterministic per index, in time order (one every 7 s, 5 accounts). */
export interface Transaction {
  readonly accountId: number;
  readonly amount: number;
  readonly timestamp: number;
}

export const SMALL_AMOUNT = 1.0;
export const LARGE_AMOUNT = 500.0;
export const ONE_MINUTE = 60_000;

export function transactionAt(i: number): Transaction {
  const accountId = (i * 7) % 5;
  // Mostly ordinary amounts; now and then a tiny one (a card test) and a large one.
  const r = mix(i) % 1000;
  const amount = r < 90 ? 0.5 + (r % 5) / 10 : r > 930 ? 500 + (r % 400) : 10 + (r % 250);
  return { accountId, amount, timestamp: i * 7_000 };
}

/** An integer hash (murmur3's finaliser), so amounts look random but are the same on every run. */
function mix(i: number): number {
  let h = Math.imul(i ^ 0x5bd1e995, 0x27d4eb2d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
