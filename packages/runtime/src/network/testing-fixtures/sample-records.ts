import { NO_TIMESTAMP } from '@flott/core';

/** A deterministic mix of record types, shapes and sizes (every 550th is a ~100 KB string that spans buffers). */
export function sampleRecords(count: number): Array<{ value: unknown; timestamp: number }> {
  const big = 'é'.repeat(30_000) + 'x'.repeat(40_000); // 100,000 UTF-8 bytes
  const out: Array<{ value: unknown; timestamp: number }> = [];
  for (let i = 0; i < count; i++) {
    let value: unknown;
    switch (i % 11) {
      case 0: value = i; break;
      case 1: value = -i * 1.5; break;
      case 2: value = `s${i}`; break;
      case 3: value = `Grüße, 世界 🎉 #${i}`; break;
      case 4: value = { id: i, name: `n${i}`, price: i / 7, tags: ['a', 'b'] }; break;
      case 5: value = { id: i, name: `m${i}`, price: i / 3, tags: [] }; break;
      case 6: value = [i, `x${i}`, [true, null], { k: i }]; break;
      case 7: value = { other: { nested: i, flag: i % 2 === 0 } }; break;
      case 8: value = i % 2 === 0; break;
      case 9: value = Math.floor(i / 11) % 50 === 0 ? big + i : ''; break;
      default: value = Number.MAX_SAFE_INTEGER - i; break;
    }
    out.push({ value, timestamp: i % 3 === 0 ? NO_TIMESTAMP : 1_700_000_000_000 + i });
  }
  return out;
}
