/** The per-record work of the pipeline benchmark, used by the job and by the hand-written baseline. */
export interface BenchRecord {
  id: number;
  value: number;
  tag: string;
}

const TAGS = ['alpha', 'beta', 'gamma', 'delta'];

export function generate(i: number): BenchRecord {
  return { id: i, value: i % 1000, tag: TAGS[i & 3] };
}

export function transform(r: BenchRecord): BenchRecord {
  return { id: r.id, value: r.value * 2, tag: r.tag };
}

export function keep(r: BenchRecord): boolean {
  return r.value % 3 === 0;
}

/** What the sink's sum must be for `records` records. */
export function expectedSum(records: number): number {
  let sum = 0;
  for (let i = 0; i < records; i++) {
    const v = (i % 1000) * 2;
    if (v % 3 === 0) sum += v;
  }
  return sum;
}
