import { AbstractRichFunction } from './rich-functions';

/**
 * Where an async function hands over its result (Flink's ResultFuture). Only the first call of
 * `complete` or `completeExceptionally` counts; later calls are ignored, as are calls for a request
 * that already timed out or is being retried. It may be called from any callback (a socket's, a
 * promise's): the operator takes the result into the task's mailbox before it emits anything.
 */
export interface ResultFuture<OUT> {
  /** The records this input produces (none: an empty array). */
  complete(results: readonly OUT[]): void;
  /** Fails the request: the task fails with `error` (unless a retry strategy retries on it). */
  completeExceptionally(error: unknown): void;
}

/**
 * A function that starts an asynchronous request per input (Flink's AsyncFunction). `asyncInvoke`
 * runs on the task's thread and must not block it: it starts the request and returns; the result
 * arrives later through `resultFuture`. A throw (or a rejected promise returned from it) fails the
 * task. `timeout` is called when the request took longer than the operator's timeout; without it
 * the task fails with an AsyncOperationTimeoutError naming the operator.
 */
export interface AsyncFunction<IN, OUT> {
  asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): void | Promise<void>;
  timeout?(input: IN, resultFuture: ResultFuture<OUT>): void;
}

/**
 * The TypeScript-native form: a function returning a promise of its result. The resolved value is
 * told apart by `Array.isArray`: an array is that many records (`[]`: none), `undefined` is none, and
 * anything else is one record. A function whose single record is itself an array returns it wrapped
 * (`[row]`). A rejection fails the task with the rejection's error and its stack.
 */
export type AsyncPromiseFunction<IN, OUT> = (input: IN) => Promise<OUT | readonly OUT[] | undefined>;

export type AsyncFunctionLike<IN, OUT> = AsyncFunction<IN, OUT> | AsyncPromiseFunction<IN, OUT>;

/** An AsyncFunction with open/close and a runtime context (Flink's RichAsyncFunction): open a client or pool in `open`. */
export abstract class RichAsyncFunction<IN, OUT> extends AbstractRichFunction implements AsyncFunction<IN, OUT> {
  abstract asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): void | Promise<void>;
}

/** The records a promise function's resolved value stands for (see AsyncPromiseFunction). */
export function asyncResultRecords<OUT>(value: OUT | readonly OUT[] | undefined): readonly OUT[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly OUT[]) : [value as OUT];
}
