import { ProgramArgumentsError, type DataStream } from '@flott/api-datastream';
import type { NexmarkEvent } from './model';

export interface NexmarkArgs {
  /** Events of the stream (Infinity with `--events unbounded`). */
  readonly events: number;
  /** Events per second of the whole stream, 0 = as fast as possible. */
  readonly rate: number;
  /** JSON Lines file for the results; none = a discarding sink. */
  readonly output?: string;
}

export const DEFAULT_NEXMARK_EVENTS = 100_000;

/**
 * The arguments every Nexmark job takes: `--events N` (default 100 000, `unbounded` for an endless
 * stream), `--rate R` (events/s, 0 = max), `--output FILE` (alias `--out`). Unknown flags are left to
 * the job.
 */
export function nexmarkArgs(args: readonly string[]): NexmarkArgs {
  let events = DEFAULT_NEXMARK_EVENTS;
  let rate = 0;
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag !== '--events' && flag !== '--rate' && flag !== '--output' && flag !== '--out') continue;
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ProgramArgumentsError(`${flag} needs a value`, { flag });
    i++;
    if (flag === '--events') {
      events = value === 'unbounded' ? Infinity : Number(value);
      if (!(Number.isSafeInteger(events) && events >= 0) && events !== Infinity) {
        throw new ProgramArgumentsError(`--events must be an integer >= 0 or "unbounded", got "${value}"`, { flag, value });
      }
    } else if (flag === '--rate') {
      rate = Number(value);
      if (!(rate >= 0) || !Number.isFinite(rate)) throw new ProgramArgumentsError(`--rate must be a number >= 0, got "${value}"`, { flag, value });
    } else {
      output = value;
    }
  }
  return output === undefined ? { events, rate } : { events, rate, output };
}

/**
 * Where a query's results go: JSON Lines in `output` (one file, written by a parallelism-1 sink,
 * replaced if it exists) or, without a file, a sink that drops them (the benchmark setting).
 */
export function sinkResults<T>(stream: DataStream<T>, output: string | undefined): void {
  if (output !== undefined) {
    stream.writeAsText(output, 'OVERWRITE').name('Results (JSON Lines)').setParallelism(1);
  } else {
    stream.addSink(discard).name('Discarding sink');
  }
}

function discard(): void {}

/** A flat export record: the event's own fields at top level plus `type` (JSON Lines export format). */
export type FlatNexmarkEvent = { readonly type: NexmarkEvent['type'] } & Readonly<Record<string, string | number>>;

export function flattenEvent(event: NexmarkEvent): FlatNexmarkEvent {
  switch (event.type) {
    case 'bid':
      return { type: 'bid', ...event.bid };
    case 'auction':
      return { type: 'auction', ...event.auction };
    case 'person':
      return { type: 'person', ...event.person };
  }
}
