import { toMillis, type AsyncFunctionLike, type AsyncRetryStrategy, type DurationLike } from '@flott/core';
import { AsyncWaitOperator, checkAsyncOptions, DEFAULT_ASYNC_CAPACITY, type AsyncOutputMode } from '@flott/runtime/internal';
import type { DataStream, SingleOutputStreamOperator } from './data-stream';

/** The operator name Flink gives the async stage. */
const ASYNC_OPERATOR_NAME = 'async wait operator';

/** The retry variants' signature: Flink's, with the retry strategy last. */
type WaitWithRetry = <IN, OUT>(
  stream: DataStream<IN>,
  fn: AsyncFunctionLike<IN, OUT>,
  timeout: DurationLike,
  capacity: number,
  retryStrategy: AsyncRetryStrategy<OUT>,
) => SingleOutputStreamOperator<OUT>;

/**
 * Async I/O (Flink's AsyncDataStream): enriches a stream through an async function (a database or
 * web service call per record) without blocking the slot's thread. At most `capacity` requests are in
 * flight (default 100, as Flink); when all are, the stage back-pressures its input. `timeout` covers a
 * request with all its retries; then the function's `timeout(input, resultFuture)` runs, or without one
 * the task fails with an AsyncOperationTimeoutError naming the operator. The requests in flight are part
 * of each checkpoint and are issued again after a restore.
 *
 * The function is an AsyncFunction / RichAsyncFunction (`asyncInvoke(input, resultFuture)`) or a plain
 * function returning a promise: an array resolves to that many records, `undefined` to none, anything
 * else to one record (wrap a single array-valued record: `[row]`).
 */
export class AsyncDataStream {
  private constructor() {}

  /** Emits the results in the order of the input records (Flink's orderedWait). */
  static orderedWait<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunctionLike<IN, OUT>, timeout: DurationLike, capacity = DEFAULT_ASYNC_CAPACITY): SingleOutputStreamOperator<OUT> {
    return addOperator(stream, fn, timeout, capacity, 'ORDERED');
  }

  /** Emits each result as it arrives; records never pass a watermark (Flink's unorderedWait). */
  static unorderedWait<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunctionLike<IN, OUT>, timeout: DurationLike, capacity = DEFAULT_ASYNC_CAPACITY): SingleOutputStreamOperator<OUT> {
    return addOperator(stream, fn, timeout, capacity, 'UNORDERED');
  }

  /** orderedWait with retries (AsyncRetryStrategies' builders, AsyncRetryPredicates). */
  static readonly orderedWaitWithRetry: WaitWithRetry = (stream, fn, timeout, capacity, retryStrategy) =>
    addOperator(stream, fn, timeout, capacity, 'ORDERED', retryStrategy);

  /** unorderedWait with retries (AsyncRetryStrategies' builders, AsyncRetryPredicates). */
  static readonly unorderedWaitWithRetry: WaitWithRetry = (stream, fn, timeout, capacity, retryStrategy) =>
    addOperator(stream, fn, timeout, capacity, 'UNORDERED', retryStrategy);
}

function addOperator<IN, OUT>(
  stream: DataStream<IN>,
  fn: AsyncFunctionLike<IN, OUT>,
  timeout: DurationLike,
  capacity: number,
  outputMode: AsyncOutputMode,
  retryStrategy?: AsyncRetryStrategy<OUT>,
): SingleOutputStreamOperator<OUT> {
  const timeoutMs = toMillis(timeout, 'timeout');
  // Checked while the job is built, so a bad value fails in the client, not in every task.
  checkAsyncOptions(timeoutMs, capacity);
  return stream.transform<OUT>(ASYNC_OPERATOR_NAME, () => new AsyncWaitOperator<IN, OUT>(fn, { timeoutMs, capacity, outputMode, retryStrategy }), 'AsyncWait');
}
