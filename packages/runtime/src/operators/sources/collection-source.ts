import { NO_TIMESTAMP } from '@flott/core';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import { AVAILABLE } from '../availability';
import { InputStatus, type SourceOperator } from '../stream-operator';

/**
 * Emits the elements of an iterable in order (fromElements, fromCollection). Non-parallel: the
 * graph pins it to one subtask. The iterable is iterated in `open()`, so a generator-backed one is
 * only consumed in the task, and unbounded iterables work.
 */
export class CollectionSource<T> extends AbstractStreamOperator<T> implements SourceOperator<T> {
  readonly isSourceOperator = true;
  private iterator?: Iterator<T>;
  private ended = false;
  private exhausted = false;

  constructor(private readonly elements: Iterable<T>) {
    super();
  }

  override open(): void {
    this.iterator = this.elements[Symbol.iterator]();
  }

  pollNext(maxRecords: number): InputStatus {
    const it = this.iterator;
    if (!it || this.ended) return InputStatus.END_OF_INPUT;
    for (let i = 0; i < maxRecords; i++) {
      const r = it.next();
      if (r.done) {
        this.ended = true;
        this.exhausted = true;
        return InputStatus.END_OF_INPUT;
      }
      this.output.collect(r.value, NO_TIMESTAMP);
    }
    return InputStatus.MORE_AVAILABLE;
  }

  available(): Promise<void> {
    return AVAILABLE;
  }

  cancel(): void {
    this.ended = true;
  }

  override close(): void {
    // Lets a generator run its finally blocks when the source stops early.
    if (this.iterator && !this.exhausted) this.iterator.return?.();
    this.ended = true;
    this.exhausted = true;
  }
}
