/** The generated input of the windowed word count: deterministic per event index, slightly out of order. */
export const VOCABULARY = ['stream', 'state', 'window', 'time', 'watermark', 'flott', 'event', 'key'];

export interface Line {
  readonly text: string;
  /** Event time, epoch milliseconds: 250 ms apart, up to 600 ms out of order. */
  readonly timestamp: number;
}

export const OUT_OF_ORDERNESS_MS = 600;

export function lineAt(i: number): Line {
  const words = [VOCABULARY[i % 8], VOCABULARY[(i * 3 + 1) % 8], VOCABULARY[(i * 7) % 5]].slice(0, 1 + (i % 3));
  return { text: words.join(' '), timestamp: i * 250 - ((i * 37) % 3) * 200 };
}
