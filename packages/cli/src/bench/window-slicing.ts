/**
 * Measures sliding-window count with window slicing against the naive window operator (and a
 * hand-written baseline doing the same aggregation in a Map), on the operator test harness.
 * Run after a build: `node packages/cli/dist/bench/window-slicing.js`.
 */
import { SlidingEventTimeWindows, type TimeWindow, type WindowAssigner } from '@flott/core';
import {
  aggregatingContents,
  createWindowOperator,
  passThroughWindowFunction,
  type OneInputStreamOperator,
} from '@flott/runtime/internal';
import { OneInputOperatorTestHarness } from '@flott/runtime/testing';

type Rec = { key: number; ts: number };
const count = { createAccumulator: () => 0, add: (_e: Rec, acc: number) => acc + 1, getResult: (acc: number) => acc, merge: (a: number, b: number) => a + b };

export interface SlicingBenchRow {
  readonly variant: string;
  readonly size: number;
  readonly slide: number;
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly results: number;
}

async function runOperator(op: OneInputStreamOperator<Rec, number>, records: number, keys: number): Promise<{ seconds: number; results: number }> {
  const h = new OneInputOperatorTestHarness<Rec, number>(op, { keySelector: (r: Rec) => r.key });
  await h.open();
  let results = 0;
  const started = performance.now();
  for (let i = 0; i < records; i++) {
    h.processElement({ key: i % keys, ts: i }, i);
    if (i % 1000 === 999) {
      h.processWatermark(i - 1);
      results += h.output.records.length;
      h.output.clear();
    }
  }
  h.processWatermark(Number.MAX_SAFE_INTEGER);
  results += h.output.records.length;
  const seconds = (performance.now() - started) / 1000;
  await h.close();
  return { seconds, results };
}

/** The same aggregation by hand: per key and pane a count; a window sums its panes when the watermark passes it. */
function baseline(records: number, keys: number, size: number, slide: number): { seconds: number; results: number } {
  const started = performance.now();
  const panes = new Map<number, Map<number, number>>();
  let results = 0;
  let nextEnd = slide;
  const fire = (watermark: number): void => {
    while (nextEnd - 1 <= watermark) {
      const start = nextEnd - size;
      for (const byKey of panes.values()) {
        let sum = 0;
        for (let p = start; p < nextEnd; p += slide) sum += byKey.get(p) ?? 0;
        if (sum > 0) results++;
        for (const p of byKey.keys()) if (p < start + slide) byKey.delete(p);
      }
      nextEnd += slide;
      if (nextEnd > records + size + slide) break;
    }
  };
  for (let i = 0; i < records; i++) {
    const key = i % keys;
    const pane = i - (i % slide);
    let byKey = panes.get(key);
    if (!byKey) panes.set(key, (byKey = new Map()));
    byKey.set(pane, (byKey.get(pane) ?? 0) + 1);
    if (i % 1000 === 999) fire(i - 1);
  }
  fire(Number.MAX_SAFE_INTEGER);
  return { seconds: (performance.now() - started) / 1000, results };
}

export async function benchWindowSlicing(records = 300_000, keys = 100): Promise<SlicingBenchRow[]> {
  const rows: SlicingBenchRow[] = [];
  for (const [size, slide] of [
    [10_000, 2_000],
    [10_000, 100],
  ]) {
    const options = {
      assigner: SlidingEventTimeWindows.of<Rec>(size, slide) as WindowAssigner<Rec, TimeWindow>,
      contents: aggregatingContents(count),
      windowFunction: passThroughWindowFunction<number>(),
    };
    // The naive operator does size/slide times the work per record: fewer records keep the run short.
    const naiveRecords = Math.max(10_000, Math.floor((records * slide) / size));
    for (const [variant, op, n] of [
      ['sliced', createWindowOperator(options), records],
      ['naive', createWindowOperator(options, { slicing: false }), naiveRecords],
    ] as const) {
      const { seconds, results } = await runOperator(op, n, keys);
      rows.push({ variant, size, slide, records: n, recordsPerSecond: Math.round(n / seconds), results });
    }
    const b = baseline(records, keys, size, slide);
    rows.push({ variant: 'hand-written baseline', size, slide, records, recordsPerSecond: Math.round(records / b.seconds), results: b.results });
  }
  return rows;
}

if (require.main === module) {
  benchWindowSlicing().then(
    (rows) => console.table(rows),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
