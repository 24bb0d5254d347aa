import {
  Boundedness,
  IteratorSourceEnumerator,
  RateLimitedSourceReader,
  SequentialSplitReader,
  WatermarkStrategy,
  type DataStream,
  type SourceOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
  type SourceSplit,
  type SplitEnumerator,
  type SplitEnumeratorContext,
  type StreamExecutionEnvironment,
} from '@flott/api-datastream';
import { NexmarkGenerator } from './generator';
import type { GeneratorConfig, NexmarkEvent } from './model';

/**
 * Events per block of a split. Split i of p generates blocks i, i + p, i + 2p, … of this many
 * consecutive event numbers: every subtask walks the same event-time line at the same pace (their
 * watermarks stay within p − 1 blocks of each other, also when unbounded), while each block is a
 * contiguous run of ids, as NEXMARK.md's generators own contiguous blocks of the id space.
 *
 * The size sets how much the subtasks' keys overlap. A bid names a hot auction or one of the ~110
 * newest (≈ 1 850 events back), a new person or auction refers to recent ids too, so a block of
 * 10 000 events (1 s of event time at the default rate) mostly refers to its own ids, as a Beam or
 * Flink generator's contiguous range does. With blocks of 1 000 every subtask met nearly every recent
 * auction: q5's per-subtask pre-aggregation sent 87 % more partial counts at p=2 than at p=1 (6.4 %
 * more with 10 000; counted over 6 M events; source.spec.ts counts the source's own output).
 */
export const NEXMARK_SPLIT_BLOCK = 10_000;

/** Watermark lag behind the largest dateTime seen (NEXMARK.md: watermark = dateTime − 4 s). */
export const NEXMARK_OUT_OF_ORDERNESS_MS = 4000;

/** How many event numbers of [0, total) subtask `index` of `parallelism` generates. */
export function nexmarkSubtaskCount(total: number, index: number, parallelism: number, block = NEXMARK_SPLIT_BLOCK): number {
  const stride = block * parallelism;
  const full = Math.floor(total / stride);
  const rest = total - full * stride;
  return full * block + Math.min(block, Math.max(0, rest - index * block));
}

/** Largest event count an unbounded stream uses (never reached). */
const UNBOUNDED_EVENTS = Number.MAX_SAFE_INTEGER;

/** The event numbers a stream of `config` generates: [0, total). */
function totalEvents(config: GeneratorConfig): number {
  return Number.isFinite(config.events) ? config.events : UNBOUNDED_EVENTS;
}

/**
 * Split i of p: the blocks i, i + p, i + 2p, … of `block` event numbers, at `next`, the next event
 * number to generate (always inside one of its blocks, or past the end of the stream).
 */
export interface NexmarkSplit extends SourceSplit {
  readonly next: number;
  readonly block: number;
  readonly parts: number;
}

/** The splits of a stream of `total` events in `parts` parts; parts with no block get no split. */
export function nexmarkSplits(total: number, parts: number, block = NEXMARK_SPLIT_BLOCK): NexmarkSplit[] {
  return Array.from({ length: parts }, (_, i) => ({ splitId: String(i), next: i * block, block, parts })).filter((s) => s.next < total);
}

/**
 * The Nexmark generator as a unified source (FLIP-27, Flink's DataGeneratorSource shape): the
 * enumerator cuts the event numbers into one split per reader (NEXMARK_SPLIT_BLOCK above), each
 * reader generates its split's events, each stamped with its dateTime. `targetRate` (events/s, 0 =
 * unlimited) is shared equally by the readers, paced on the task clock. A checkpoint keeps each split
 * at its next event number, so a restore generates every event once, at any parallelism.
 */
export class NexmarkSource implements Source<NexmarkEvent, NexmarkSplit, NexmarkSplit[]> {
  constructor(
    private readonly config: GeneratorConfig,
    private readonly block = NEXMARK_SPLIT_BLOCK,
  ) {
    if (!Number.isSafeInteger(block) || block < 1) throw new RangeError(`Nexmark split block must be an integer >= 1, got ${block}`);
  }

  getBoundedness(): Boundedness {
    return Number.isFinite(this.config.events) ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  createReader(context: SourceReaderContext): SourceReader<NexmarkEvent, NexmarkSplit> {
    const reader = new NexmarkSourceReader(context, this.config);
    const rate = this.config.targetRate;
    return rate > 0 ? new RateLimitedSourceReader(reader, rate / context.currentParallelism(), context) : reader;
  }

  createEnumerator(context: SplitEnumeratorContext<NexmarkSplit>): SplitEnumerator<NexmarkSplit, NexmarkSplit[]> {
    return new IteratorSourceEnumerator(context, nexmarkSplits(totalEvents(this.config), context.currentParallelism(), this.block));
  }

  restoreEnumerator(context: SplitEnumeratorContext<NexmarkSplit>, checkpoint: NexmarkSplit[]): SplitEnumerator<NexmarkSplit, NexmarkSplit[]> {
    return new IteratorSourceEnumerator(context, checkpoint);
  }
}

/** The split being generated: its position, the end of the block it is in, and the blocks to skip after it. */
interface OpenNexmarkSplit {
  readonly split: NexmarkSplit;
  next: number;
  blockEnd: number;
  readonly skip: number;
}

/** Generates its splits' events one split after the other, up to the task's batch per poll. */
export class NexmarkSourceReader extends SequentialSplitReader<NexmarkEvent, NexmarkSplit, OpenNexmarkSplit> {
  readonly hotMethods = ['emitEvents'];
  private readonly generator: NexmarkGenerator;
  private readonly total: number;

  constructor(context: SourceReaderContext, config: GeneratorConfig) {
    super(context);
    this.generator = new NexmarkGenerator(config);
    this.total = totalEvents(config);
  }

  protected openSplit(split: NexmarkSplit): OpenNexmarkSplit | undefined {
    if (split.next >= this.total) return undefined;
    const blockEnd = (Math.floor(split.next / split.block) + 1) * split.block;
    return { split, next: split.next, blockEnd, skip: (split.parts - 1) * split.block };
  }

  protected emit(output: SourceOutput<NexmarkEvent>, c: OpenNexmarkSplit, max: number): boolean {
    this.emitEvents(output, c, max);
    return c.next >= this.total;
  }

  /** The per-record loop (a hot method: the task compiles a copy per reader). */
  emitEvents(output: SourceOutput<NexmarkEvent>, c: OpenNexmarkSplit, max: number): void {
    const generator = this.generator;
    const total = this.total;
    let next = c.next;
    let blockEnd = c.blockEnd;
    let done = 0;
    while (done < max && next < total) {
      const stop = Math.min(blockEnd, total, next + (max - done));
      for (let i = next; i < stop; i++) output.collect(generator.at(i), generator.timestamp(i));
      done += stop - next;
      next = stop;
      if (next === blockEnd) {
        next += c.skip;
        blockEnd = next + c.split.block;
      }
    }
    c.next = next;
    c.blockEnd = blockEnd;
  }

  protected positionOf(c: OpenNexmarkSplit): NexmarkSplit {
    return { ...c.split, next: c.next };
  }
}

/**
 * The Nexmark stream of a job: `env.fromSource(new NexmarkSource(config), ...)` with the watermark
 * NEXMARK.md asks for (4 s behind the largest dateTime), generated at the readers.
 */
export function nexmarkSource(env: StreamExecutionEnvironment, config: GeneratorConfig): DataStream<NexmarkEvent> {
  // The reader stamps every record with its dateTime already: reading it back avoids a type switch.
  const watermarks = WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(NEXMARK_OUT_OF_ORDERNESS_MS).withTimestampAssigner((_event, stamp) => stamp);
  return env.fromSource(new NexmarkSource(config), watermarks, 'Nexmark');
}
