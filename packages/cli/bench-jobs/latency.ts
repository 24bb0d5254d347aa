/**
 * Latency benchmark job (issue 16): events stamped with their creation time by a generator at p=2
 * (`--rate` events per second in all, unlimited when 0), then either passed through a rebalance or,
 * with `--keyed`, keyed and counted per key (a keyed process function), into a sink in slot sharing
 * group "sink", so every record crosses threads. The time is the wall clock with sub-millisecond
 * resolution (performance.timeOrigin + performance.now(), comparable across threads). Each sink
 * subtask counts latencies (now − created) in 10 µs buckets, leaving out the first `--skip` events
 * (the warm-up: threads starting, code not yet optimised), and writes them with the times its first and
 * last event arrived to `--out DIR/<subtask>.json`.
 *
 * Arguments: --events N, --rate R, --skip N, --keyed, --out DIR.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KeyedProcessFunction, ParameterTool, RichSinkFunction, StreamExecutionEnvironment, ValueStateDescriptor, type Collector, type KeyedProcessContext, type ValueState } from '@flott/api-datastream';

interface Event {
  readonly index: number;
  readonly key: number;
  readonly created: number;
}

const now = (): number => performance.timeOrigin + performance.now();
/** Bucket width of the histogram, in ms. */
export const BUCKET_MS = 0.01;

class CountPerKey extends KeyedProcessFunction<number, Event, Event> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
  }
  processElement(event: Event, _ctx: KeyedProcessContext<number>, out: Collector<Event>): void {
    this.count.update((this.count.value() ?? 0) + 1);
    out.collect(event);
  }
}

class LatencySink extends RichSinkFunction<Event> {
  private readonly buckets = new Map<number, number>();
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private received = 0;
  constructor(
    private readonly out: string,
    private readonly skip: number,
  ) {
    super();
  }
  invoke(event: Event): void {
    const t = now();
    this.received++;
    if (t < this.first) this.first = t;
    this.last = t;
    if (event.index < this.skip) return;
    const bucket = Math.max(0, Math.floor((t - event.created) / BUCKET_MS));
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
  }
  override close(): void {
    const subtask = this.getRuntimeContext().getIndexOfThisSubtask();
    fs.writeFileSync(path.join(this.out, `${subtask}.json`), JSON.stringify({ received: this.received, first: this.first, last: this.last, buckets: [...this.buckets] }));
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const out = params.getRequired('out');
  fs.mkdirSync(out, { recursive: true });
  const rate = params.getInt('rate', 0);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const events = env.fromGenerator(params.getInt('events', 1_000_000), (i): Event => ({ index: i, key: i % 1000, created: now() }), rate > 0 ? { recordsPerSecond: rate } : {});
  const routed = params.has('keyed') ? events.keyBy((e) => e.key).process(new CountPerKey()) : events.rebalance().map((e) => e);
  routed.slotSharingGroup('sink').addSink(new LatencySink(out, params.getInt('skip', 0))).slotSharingGroup('sink');
  await env.execute(params.has('keyed') ? 'latency keyed' : 'latency pass-through');
}
