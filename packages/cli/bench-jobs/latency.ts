/**
 * Latency benchmark job (issue 16): events stamped with their creation time by a generator at p=2
 * (`--rate` events per second in all, unlimited when 0), then either passed through a rebalance or,
 * with `--keyed`, keyed and counted per key (a keyed process function), into a sink in slot sharing
 * group "sink", so every record crosses threads. The time is the wall clock with sub-millisecond
 * resolution (performance.timeOrigin + performance.now(), comparable across threads). Each sink
 * subtask counts latencies (now − created) in 10 µs buckets, leaving out the events created within
 * `--warmup-ms` of the first one it received (the warm-up: threads starting, code not yet optimised),
 * and writes them with the times its first and last event arrived to `--out DIR/<subtask>.json`. The
 * warm-up goes by creation time, not by index: each generator subtask makes a contiguous range of
 * indexes, so the first N indexes are the warm-up of subtask 0 only.
 *
 * Arguments: --events N, --rate R, --warmup-ms MS, --keyed, --out DIR.
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
  private countFrom = Number.POSITIVE_INFINITY;
  constructor(
    private readonly out: string,
    private readonly warmupMs: number,
  ) {
    super();
  }
  invoke(event: Event): void {
    const t = now();
    if (this.received++ === 0) {
      this.first = t;
      this.countFrom = event.created + this.warmupMs;
    }
    this.last = t;
    if (event.created < this.countFrom) return;
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
  routed.slotSharingGroup('sink').addSink(new LatencySink(out, params.getInt('warmup-ms', 0))).slotSharingGroup('sink');
  await env.execute(params.has('keyed') ? 'latency keyed' : 'latency pass-through');
}
