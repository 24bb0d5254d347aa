/**
 * Fraud detection, after Flink's well-known walkthrough (our own code): a small transaction
 * followed, within one minute, by a large one on the same account raises an alert. Keyed state
 * holds the "last one was small" flag; an event-time timer clears it after a minute.
 *
 *   npx flott run -p 2 examples/fraud-detection/fraud-detection.ts --transactions 2000
 */
import {
  KeyedProcessFunction,
  ParameterTool,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type ValueState,
} from '@flott/api-datastream';
import { LARGE_AMOUNT, ONE_MINUTE, SMALL_AMOUNT, transactionAt, type Transaction } from './transactions';

export interface Alert {
  readonly accountId: number;
  readonly smallAt: number;
  readonly largeAt: number;
  readonly amount: number;
}

class FraudDetector extends KeyedProcessFunction<number, Transaction, Alert> {
  /** Time of the last small transaction, while it is less than a minute old. */
  private smallAt!: ValueState<number>;
  /** When the flag expires (the timer's time). */
  private expiresAt!: ValueState<number>;

  override open(): void {
    this.smallAt = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('small-at'));
    this.expiresAt = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('expires-at'));
  }

  processElement(tx: Transaction, ctx: KeyedProcessContext<number>, out: Collector<Alert>): void {
    const smallAt = this.smallAt.value();
    const expiresAt = this.expiresAt.value();
    if (smallAt !== undefined && expiresAt !== undefined) {
      // Checked against the stored expiry, so the result does not depend on when the timer fires.
      if (tx.amount > LARGE_AMOUNT && tx.timestamp < expiresAt) {
        out.collect({ accountId: tx.accountId, smallAt, largeAt: tx.timestamp, amount: tx.amount });
      }
      ctx.timerService().deleteEventTimeTimer(expiresAt);
      this.smallAt.clear();
      this.expiresAt.clear();
    }
    if (tx.amount < SMALL_AMOUNT) {
      this.smallAt.update(tx.timestamp);
      this.expiresAt.update(tx.timestamp + ONE_MINUTE);
      ctx.timerService().registerEventTimeTimer(tx.timestamp + ONE_MINUTE);
    }
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<number>, _out: Collector<Alert>): void {
    this.smallAt.clear();
    this.expiresAt.clear();
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const params = ParameterTool.fromArgs(env.getArgs());

env
  // One source keeps every account's transactions in order, whatever the parallelism downstream.
  .fromGenerator(params.getInt('transactions', 2000), transactionAt)
  .setParallelism(1)
  .name('transactions')
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Transaction>().withTimestampAssigner((tx) => tx.timestamp))
  // Chained to the source: a rebalance here would interleave two streams and lose per-account order.
  .setParallelism(1)
  .keyBy((tx) => tx.accountId)
  .process(new FraudDetector())
  .name('fraud-detector')
  .print();

await env.execute('Fraud Detection');
