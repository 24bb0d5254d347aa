import { AbstractStreamOperator } from '../operators/abstract-stream-operator';
import { NO_TIMESTAMP } from '@flott/core';
import { InputStatus, type OneInputStreamOperator, type OperatorEnvironment, type SourceOperator } from '../operators/stream-operator';

/** What a testing operator runs in `open()`, with its environment (e.g. to schedule a timer or throw). */
export type OpenHook<OUT> = (env: OperatorEnvironment<OUT>) => void | Promise<void>;

/**
 * A source for StreamTask tests. It emits the records it holds, at most `maxRecords` per poll. A
 * bounded one ends when they are out; an unbounded one then waits (NOTHING_AVAILABLE) until the
 * test `add`s records or calls `endInput`. Life-cycle calls go to `log` as `name.open` etc.
 */
export class TestingSourceOperator<T> extends AbstractStreamOperator<T> implements SourceOperator<T> {
  readonly isSourceOperator = true;
  readonly log: string[];
  private readonly queue: T[];
  private ended: boolean;
  private canceled = false;
  private openHook: OpenHook<T> = () => undefined;
  private wake: (() => void) | undefined;
  /** Records emitted so far. */
  emitted = 0;

  constructor(
    readonly name: string,
    records: Iterable<T>,
    options: { readonly bounded?: boolean; readonly log?: string[] } = {},
  ) {
    super();
    this.queue = [...records];
    this.ended = options.bounded ?? true;
    this.log = options.log ?? [];
  }

  withOpen(hook: OpenHook<T>): this {
    this.openHook = hook;
    return this;
  }

  /** More records for an unbounded source; a waiting task polls again. */
  add(...records: T[]): void {
    this.queue.push(...records);
    this.signal();
  }

  /** The input ends once the records held are emitted. */
  endInput(): void {
    this.ended = true;
    this.signal();
  }

  override async open(): Promise<void> {
    this.log.push(`${this.name}.open`);
    await this.openHook(this.env);
  }

  override finish(): void {
    this.log.push(`${this.name}.finish`);
  }

  override close(): void {
    this.log.push(`${this.name}.close`);
  }

  pollNext(maxRecords: number): InputStatus {
    if (this.canceled) return InputStatus.END_OF_INPUT;
    const batch = this.queue.splice(0, maxRecords);
    for (const r of batch) this.output.collect(r, NO_TIMESTAMP);
    this.emitted += batch.length;
    if (this.queue.length > 0) return InputStatus.MORE_AVAILABLE;
    return this.ended ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
  }

  available(): Promise<void> {
    if (this.queue.length > 0 || this.ended || this.canceled) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  cancel(): void {
    this.log.push(`${this.name}.cancel`);
    this.canceled = true;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/**
 * A one-input operator for StreamTask tests: records what it receives and forwards it, mapped by
 * `map` (identity by default). Life-cycle calls go to `log` as `name.open` etc.
 */
export class TestingOneInputOperator<IN, OUT = IN> extends AbstractStreamOperator<OUT> implements OneInputStreamOperator<IN, OUT> {
  readonly received: IN[] = [];
  readonly watermarks: number[] = [];
  readonly log: string[];
  private readonly map: (value: IN) => OUT;
  private openHook: OpenHook<OUT> = () => undefined;

  constructor(
    readonly name: string,
    options: { readonly map?: (value: IN) => OUT; readonly log?: string[] } = {},
  ) {
    super();
    this.map = options.map ?? ((value) => value as unknown as OUT);
    this.log = options.log ?? [];
  }

  withOpen(hook: OpenHook<OUT>): this {
    this.openHook = hook;
    return this;
  }

  override async open(): Promise<void> {
    this.log.push(`${this.name}.open`);
    await this.openHook(this.env);
  }

  override finish(): void {
    this.log.push(`${this.name}.finish`);
  }

  override close(): void {
    this.log.push(`${this.name}.close`);
  }

  processElement(value: IN, timestamp: number): void {
    this.received.push(value);
    this.output.collect(this.map(value), timestamp);
  }

  processWatermark(watermark: number): void {
    this.watermarks.push(watermark);
    this.output.emitWatermark(watermark);
  }
}
