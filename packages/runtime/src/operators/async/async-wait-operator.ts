import {
  ListStateDescriptor,
  asyncResultRecords,
  type AsyncFunctionLike,
  type AsyncRetryStrategy,
  type ListState,
  type ResultFuture,
} from '@flott/core';
import type { Cancellable } from '../../time/clock';
import { AbstractUdfStreamOperator } from '../abstract-stream-operator';
import { AVAILABLE, AvailabilityNotifier } from '../availability';
import type {
  AvailabilityProvider,
  MailboxExecutor,
  OneInputStreamOperator,
  OperatorEnvironment,
  StateInitializationContext,
  StateSnapshotContext,
} from '../stream-operator';
import { AsyncOperationTimeoutError, InvalidAsyncOptionsError } from './async-errors';
import { RequestTimeouts } from './request-timeouts';
import { OrderedStreamElementQueue, UnorderedStreamElementQueue, type QueueEntry, type QueuedElement, type StreamElementQueue } from './stream-element-queue';

/** ORDERED: results in input order; UNORDERED: as they arrive, but never across a watermark (Flink's AsyncDataStream.OutputMode). */
export type AsyncOutputMode = 'ORDERED' | 'UNORDERED';

export interface AsyncWaitOptions<OUT> {
  /** How long a request may take, all its retries included (ms, > 0). */
  readonly timeoutMs: number;
  /** Requests (and watermarks) in the queue at most; a full queue back-pressures the input. */
  readonly capacity: number;
  readonly outputMode: AsyncOutputMode;
  /** Retries (Flink's AsyncRetryStrategy); none unless given. */
  readonly retryStrategy?: AsyncRetryStrategy<OUT>;
}

/** Flink's default capacity of AsyncDataStream. */
export const DEFAULT_ASYNC_CAPACITY = 100;
/** Upper bound of the capacity: each slot holds a request, its input and its result in the slot's heap. */
export const MAX_ASYNC_CAPACITY = 1_000_000;
/** Upper bound of the timeout (about 24 days: timers beyond 2^31 - 1 ms fire at once in Node). */
export const MAX_ASYNC_TIMEOUT_MS = 2 ** 31 - 1;
/** The operator list state of the elements in flight (Flink's AsyncWaitOperator keeps them under this name). */
export const ASYNC_WAIT_STATE_NAME = '_async_wait_operator_state_';

/** Checks timeout and capacity as the API takes them; throws InvalidAsyncOptionsError. */
export function checkAsyncOptions(timeoutMs: number, capacity: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_ASYNC_TIMEOUT_MS) {
    throw new InvalidAsyncOptionsError('timeout', `must be a whole number of milliseconds from 1 to ${MAX_ASYNC_TIMEOUT_MS}`, timeoutMs);
  }
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_ASYNC_CAPACITY) {
    throw new InvalidAsyncOptionsError('capacity', `must be an integer from 1 to ${MAX_ASYNC_CAPACITY}`, capacity);
  }
}

/** One input record's request, across its attempts. */
class Request<IN, OUT> {
  attempts = 0;
  /** The attempt whose result counts; an older one's late result is dropped. */
  current?: Attempt<IN, OUT>;
  retryTimer?: Cancellable;
  timedOut = false;
  done = false;

  constructor(
    readonly input: IN,
    readonly entry: QueueEntry<OUT>,
  ) {}

  cancelTimers(): void {
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
  }
}

/** The ResultFuture of one attempt: the first call counts, later ones (and those of superseded attempts) are ignored. */
class Attempt<IN, OUT> implements ResultFuture<OUT> {
  private settled = false;
  constructor(
    private readonly request: Request<IN, OUT>,
    private readonly onSettled: (request: Request<IN, OUT>, results: readonly OUT[] | undefined, error: unknown, failed: boolean) => void,
  ) {}

  complete(results: readonly OUT[]): void {
    if (!this.take()) return;
    this.onSettled(this.request, Array.isArray(results) ? results : asyncResultRecords(results), undefined, false);
  }

  completeExceptionally(error: unknown): void {
    if (!this.take()) return;
    this.onSettled(this.request, undefined, error, true);
  }

  private take(): boolean {
    if (this.settled || this.request.current !== this || this.request.done) return false;
    this.settled = true;
    return true;
  }

  get isSettled(): boolean {
    return this.settled;
  }
}

interface Arrival<IN, OUT> {
  readonly request: Request<IN, OUT>;
  readonly results?: readonly OUT[];
  readonly error?: unknown;
  readonly failed: boolean;
}

/**
 * Async I/O (Flink's AsyncWaitOperator): starts a request per record through the user's async function
 * and emits its results later, in input order or as they arrive, without blocking the slot's thread.
 *
 * Threading: every step runs on the task's mailbox thread. Results may arrive in any callback; there
 * they are only recorded, and one mailbox action per batch of arrivals settles them (retry or complete)
 * and emits what the queue lets out. Timeouts and retry delays are timers of the task's scheduler.
 *
 * Bounds: at most `capacity` elements (records in flight and watermarks waiting) are queued; while the
 * queue is full the operator is unavailable, so the task takes no more input (back-pressure). Records
 * that a chained upstream operator still emits meanwhile wait un-started in a small backlog (at most
 * what one input record makes upstream), so the requests in flight never exceed `capacity`. Results
 * are emitted when they arrive even if the task's outputs are back-pressured (at most a queue's worth,
 * as one record's outputs may overdraw a partition); the task then takes no input until they drain.
 *
 * Checkpoints: the input elements of the queue and the backlog (records with timestamps, watermarks)
 * go into operator list state; a restored operator issues them again in `open`, so nothing is lost and,
 * with an exactly-once sink, nothing is emitted twice. End of input (`finish`) waits until every
 * request completed (retries included) and was emitted.
 */
export class AsyncWaitOperator<IN, OUT>
  extends AbstractUdfStreamOperator<OUT, AsyncFunctionLike<IN, OUT>>
  implements OneInputStreamOperator<IN, OUT>, AvailabilityProvider
{
  private readonly queue: StreamElementQueue<IN, OUT>;
  /** Elements that came while the queue was full: started (in order) as the queue makes room. */
  private readonly backlog: QueuedElement<IN>[] = [];
  private readonly inFlight = new Set<Request<IN, OUT>>();
  private arrivals: Arrival<IN, OUT>[] = [];
  private arrivalsScheduled = false;
  private readonly spaceFreed = new AvailabilityNotifier();
  private mailbox!: MailboxExecutor;
  private timeouts!: RequestTimeouts<Request<IN, OUT>>;
  private state?: ListState<QueuedElement<IN>>;
  private restored: QueuedElement<IN>[] = [];
  private closed = false;
  private readonly invoke: (input: IN, resultFuture: Attempt<IN, OUT>) => void;
  private readonly retryStrategy?: AsyncRetryStrategy<OUT>;
  private readonly onSettled = (request: Request<IN, OUT>, results: readonly OUT[] | undefined, error: unknown, failed: boolean): void =>
    this.arrive({ request, results, error, failed });

  constructor(
    fn: AsyncFunctionLike<IN, OUT>,
    private readonly options: AsyncWaitOptions<OUT>,
  ) {
    super(fn);
    checkAsyncOptions(options.timeoutMs, options.capacity);
    this.queue = options.outputMode === 'ORDERED' ? new OrderedStreamElementQueue() : new UnorderedStreamElementQueue();
    this.retryStrategy = options.retryStrategy;
    if (typeof fn === 'function') {
      this.invoke = (input, attempt) => {
        Promise.resolve(fn(input)).then(
          (value) => attempt.complete(asyncResultRecords(value)),
          (e: unknown) => attempt.completeExceptionally(e),
        );
      };
    } else {
      this.invoke = (input, attempt) => {
        const returned = fn.asyncInvoke(input, attempt);
        if (returned !== undefined && typeof returned.then === 'function') returned.then(undefined, (e: unknown) => attempt.completeExceptionally(e));
      };
    }
  }

  override setup(env: OperatorEnvironment<OUT>): void {
    super.setup(env);
    if (!env.mailbox) throw new Error(`Assertion failed: async operator ${env.operatorName} set up without a task mailbox`);
    this.mailbox = env.mailbox;
    const maxEntries = 2 * this.options.capacity + 16;
    this.timeouts = new RequestTimeouts(this.options.timeoutMs, env.clock, env.scheduler, maxEntries, (request) => this.onTimeout(request));
    env.registerAvailabilityProvider(this);
  }

  override initializeState(context: StateInitializationContext): void | Promise<void> {
    this.state = context.operatorStateStore.getListState(new ListStateDescriptor<QueuedElement<IN>>(ASYNC_WAIT_STATE_NAME));
    if (context.isRestored()) this.restored = this.state.get();
    return super.initializeState(context);
  }

  override async open(): Promise<void> {
    await super.open();
    const restored = this.restored;
    this.restored = [];
    for (const element of restored) this.admit(element);
  }

  processElement(value: IN, timestamp: number): void {
    if (this.backlog.length === 0 && this.queue.size < this.options.capacity) this.startRecord(value, timestamp);
    else this.backlog.push({ kind: 'record', value, timestamp });
  }

  processWatermark(watermark: number): void {
    this.admit({ kind: 'watermark', watermark });
  }

  override snapshotState(context: StateSnapshotContext): void {
    super.snapshotState(context);
    this.state!.update([...this.queue.values(), ...this.backlog]);
  }

  isAvailable(): boolean {
    return this.queue.size < this.options.capacity && this.backlog.length === 0;
  }

  whenAvailable(): Promise<void> {
    return this.isAvailable() ? AVAILABLE : this.spaceFreed.next();
  }

  /** Records (and watermarks) queued or waiting in the backlog: what is not emitted yet. */
  get pendingElements(): number {
    return this.queue.size + this.backlog.length;
  }

  /**
   * End of input waits for every request, retries included. (Flink's endInput ends pending retries with
   * their last result, because its timers stop firing then; the task's timers here keep running until
   * the operators finished, also in a draining stop, and the timeout still bounds each request.)
   */
  override async finish(): Promise<void> {
    for (;;) {
      this.processArrivals();
      if (this.pendingElements === 0) break;
      await this.mailbox.yield();
    }
    await super.finish();
  }

  override close(): void | Promise<void> {
    this.closed = true;
    for (const request of this.inFlight) request.cancelTimers();
    this.inFlight.clear();
    this.timeouts?.clear();
    this.arrivals = [];
    return super.close();
  }

  /** Starts the element now, or keeps it in the backlog while the queue is full (or others wait before it). */
  private admit(element: QueuedElement<IN>): void {
    if (this.backlog.length > 0 || this.queue.size >= this.options.capacity) {
      this.backlog.push(element);
      return;
    }
    this.start(element);
    // A watermark with nothing before it goes out at once (as in Flink).
    if (element.kind === 'watermark' && this.queue.hasCompletedHead()) this.emitCompleted();
  }

  private start(element: QueuedElement<IN>): void {
    if (element.kind === 'watermark') {
      this.queue.addWatermark(element.watermark);
      return;
    }
    this.startRecord(element.value, element.timestamp);
  }

  private startRecord(value: IN, timestamp: number): void {
    const request = new Request<IN, OUT>(value, this.queue.addRecord(value, timestamp));
    this.inFlight.add(request);
    this.timeouts.add(request);
    this.attempt(request);
  }

  private attempt(request: Request<IN, OUT>): void {
    request.attempts++;
    const attempt = new Attempt(request, this.onSettled);
    request.current = attempt;
    this.invoke(request.input, attempt);
  }

  /** Results arrive here from any callback: recorded, then settled and emitted by one mailbox action. */
  private arrive(arrival: Arrival<IN, OUT>): void {
    if (this.closed) return;
    this.arrivals.push(arrival);
    if (this.arrivalsScheduled) return;
    this.arrivalsScheduled = true;
    this.mailbox.execute(() => {
      this.arrivalsScheduled = false;
      this.processArrivals();
    });
  }

  private processArrivals(): void {
    if (this.arrivals.length > 0) {
      const batch = this.arrivals;
      this.arrivals = [];
      for (const a of batch) this.settle(a);
    }
    this.emitCompleted();
  }

  /** Retries, fails the task, or completes the queue entry. */
  private settle({ request, results, error, failed }: Arrival<IN, OUT>): void {
    if (request.done) return;
    if (this.shouldRetry(request, results, error, failed)) {
      const delay = this.retryStrategy!.getBackoffTimeMillis(request.attempts);
      request.retryTimer = this.env.scheduler.schedule(Math.max(0, delay), () => {
        request.retryTimer = undefined;
        this.attempt(request);
      });
      return;
    }
    request.done = true;
    request.cancelTimers();
    this.inFlight.delete(request);
    if (this.inFlight.size === 0) this.timeouts.clear();
    // The user's error as it is (its stack included), as a map function's throw would fail the task.
    if (failed) throw error;
    request.entry.complete(results ?? []);
  }

  private shouldRetry(request: Request<IN, OUT>, results: readonly OUT[] | undefined, error: unknown, failed: boolean): boolean {
    const strategy = this.retryStrategy;
    if (!strategy || request.timedOut) return false;
    const predicate = strategy.getRetryPredicate();
    const wanted = failed ? predicate.exceptionPredicate?.(error) === true : predicate.resultPredicate?.(results ?? []) === true;
    return wanted && strategy.canRetry(request.attempts);
  }

  /** The timeout covers all attempts: a pending retry is dropped and the function's `timeout` decides. */
  private onTimeout(request: Request<IN, OUT>): void {
    if (request.done || this.closed) return;
    request.timedOut = true;
    request.retryTimer?.cancel();
    request.retryTimer = undefined;
    let attempt = request.current;
    if (!attempt || attempt.isSettled) {
      // The last attempt already answered (a retry was waiting): the timeout gets a fresh result future.
      attempt = new Attempt(request, this.onSettled);
      request.current = attempt;
    }
    const fn = this.userFunction;
    if (typeof fn !== 'function' && fn.timeout) fn.timeout(request.input, attempt);
    else attempt.completeExceptionally(new AsyncOperationTimeoutError(this.env.operatorName, this.options.timeoutMs, request.input));
  }

  /** Emits what the queue lets out, then starts waiting elements in the room that made. */
  private emitCompleted(): void {
    let freed = false;
    while (this.queue.emitCompleted(this.output) > 0) {
      freed = true;
      while (this.backlog.length > 0 && this.queue.size < this.options.capacity) this.start(this.backlog.shift()!);
    }
    if (freed && this.isAvailable()) this.spaceFreed.notify();
  }
}
