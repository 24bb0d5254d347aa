import { ListStateDescriptor, NO_TIMESTAMP, type ListState } from '@flott/core';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import { AVAILABLE } from '../availability';
import { InputStatus, type SourceOperator, type StateInitializationContext } from '../stream-operator';

/** How many elements the source emitted, as its checkpointed state. */
const EMITTED = new ListStateDescriptor<number>('collection-emitted');

/**
 * Emits the elements of an iterable in order (fromElements, fromCollection). Non-parallel: the
 * graph pins it to one subtask. The iterable is iterated in `open()`, so a generator-backed one is
 * only consumed in the task, and unbounded iterables work. Checkpoints keep the number of elements
 * emitted; a restore skips that many (the iterable must yield the same elements again).
 */
export class CollectionSource<T> extends AbstractStreamOperator<T> implements SourceOperator<T> {
  readonly isSourceOperator = true;
  private iterator?: Iterator<T>;
  private ended = false;
  private exhausted = false;
  private emitted = 0;
  private emittedState?: ListState<number>;

  constructor(private readonly elements: Iterable<T>) {
    super();
  }

  initializeState(context: StateInitializationContext): void {
    this.emittedState = context.operatorStateStore.getListState(EMITTED);
    if (context.isRestored()) this.emitted = this.emittedState.get().reduce((a, b) => a + b, 0);
  }

  override open(): void {
    this.iterator = this.elements[Symbol.iterator]();
    for (let i = 0; i < this.emitted; i++) {
      if (this.iterator.next().done) {
        this.ended = this.exhausted = true;
        break;
      }
    }
  }

  snapshotState(): void {
    this.emittedState?.update([this.emitted]);
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
      this.emitted++;
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
