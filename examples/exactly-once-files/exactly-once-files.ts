/**
 * Exactly-once files: payments from a rate-limited DataGeneratorSource (Flink's unified Source API),
 * summed per account in 1-second event-time windows, written by a FileSink. The sink commits in two
 * phases: a part file becomes visible (`part-<uuid>-<n>`) only once the checkpoint that covers it
 * completed, so after a failure the output has no loss and no duplicates. Checkpoints every 500 ms
 * unless `-D execution.checkpointing.interval` says otherwise.
 *
 *   npx flott run -p 2 examples/exactly-once-files/exactly-once-files.ts --out /tmp/payments --events 20000
 *
 * Each line of the output: `<account> <window start ms> <sum of cents>`.
 */
import {
  DataGeneratorSource,
  ParameterTool,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Collector,
} from '@flott/api-datastream';
import { FileSink, OnCheckpointRollingPolicy, SimpleStringEncoder } from '@flott/connector-files';

export interface Payment {
  readonly account: string;
  readonly cents: number;
  /** Event time: the payments are 1 ms apart. */
  readonly time: number;
}

export const ACCOUNTS = 5;

/** Payment `i` (deterministic, so a test can compute the sums). */
export function payment(i: number): Payment {
  return { account: `acct-${i % ACCOUNTS}`, cents: (i * 37) % 1000, time: i };
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const events = params.getInt('events', 20_000);
  const out = params.getRequired('out');
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  if (!env.getCheckpointConfig().isCheckpointingEnabled()) env.enableCheckpointing(500);
  const source = new DataGeneratorSource(payment, events, RateLimiterStrategy.perSecond(params.getInt('rate', 10_000)));
  const watermarks = WatermarkStrategy.forMonotonousTimestamps<Payment>().withTimestampAssigner((p) => p.time);
  const sums = env
    .fromSource(source, watermarks, 'payments')
    .keyBy((p) => p.account)
    .window(TumblingEventTimeWindows.of(1_000))
    .reduce(
      (a, b) => ({ ...a, cents: a.cents + b.cents }),
      (account: string, window, totals, collector: Collector<string>) => {
        for (const t of totals) collector.collect(`${account} ${window.start} ${t.cents}`);
      },
    );
  // Roll at every checkpoint: each completed checkpoint makes what was written before it visible.
  sums.sinkTo(FileSink.forRowFormat(out, new SimpleStringEncoder<string>()).withRollingPolicy(OnCheckpointRollingPolicy.build()).build()).name('payment sums');
  await env.execute('exactly-once files');
}
