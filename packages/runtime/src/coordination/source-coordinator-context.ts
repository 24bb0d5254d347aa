import type { Clock, ReaderInfo, SourceEvent, SourceSplit, SplitEnumeratorContext, SplitsAssignment } from '@flott/core';
import type { Cancellable, Scheduler } from '../time/clock';
import { SourceCoordinatorError } from './source-coordinator-errors';
import type { CoordinatorToReaderEvent } from './source-events';
import type { SplitAssignmentTracker } from './split-assignment-tracker';
import type { VersionedCodec } from './split-codec';

export interface SourceCoordinatorContextOptions<SplitT> {
  readonly operatorName: string;
  readonly parallelism: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly tracker: SplitAssignmentTracker<SplitT>;
  readonly splitCodec: VersionedCodec<SplitT>;
  /** Sends an event to the registered reader of `subtask`. */
  send(subtask: number, event: CoordinatorToReaderEvent): void;
  /** What the enumerator's async work threw: the job fails over. */
  fail(cause: Error): void;
}

/**
 * The enumerator's view of the JobMaster (Flink's SourceCoordinatorContext): registered readers,
 * split assignment (recorded for subtask resets) and async calls on the injected scheduler, which
 * all end when the enumerator is closed.
 */
export class SourceCoordinatorContext<SplitT extends SourceSplit> implements SplitEnumeratorContext<SplitT> {
  private readonly readers = new Map<number, ReaderInfo & { readonly attemptId: string }>();
  private readonly timers = new Set<Cancellable>();
  private closed = false;

  constructor(private readonly opts: SourceCoordinatorContextOptions<SplitT>) {}

  get clock(): Clock {
    return this.opts.clock;
  }

  currentParallelism(): number {
    return this.opts.parallelism;
  }

  registeredReaders(): ReadonlyMap<number, ReaderInfo> {
    return new Map([...this.readers].map(([s, r]) => [s, { subtaskId: r.subtaskId }]));
  }

  registerReader(subtask: number, attemptId: string): void {
    this.readers.set(subtask, { subtaskId: subtask, attemptId });
  }

  unregisterReader(subtask: number, attemptId?: string): void {
    if (attemptId === undefined || this.readers.get(subtask)?.attemptId === attemptId) this.readers.delete(subtask);
  }

  attemptOf(subtask: number): string | undefined {
    return this.readers.get(subtask)?.attemptId;
  }

  assignSplit(split: SplitT, subtaskId: number): void {
    this.assignSplits(new Map([[subtaskId, [split]]]));
  }

  assignSplits(assignment: SplitsAssignment<SplitT>): void {
    // Checked first, so an assignment is all or nothing (as Flink's).
    for (const subtask of assignment.keys()) this.checkRegistered(subtask, 'assign splits to');
    for (const [subtask, splits] of assignment) {
      if (splits.length === 0) continue;
      this.opts.tracker.recordAssignment(subtask, splits);
      this.opts.send(subtask, { kind: 'source-add-splits', splits: splits.map((s) => this.opts.splitCodec.encode(s)) });
    }
  }

  signalNoMoreSplits(subtaskId: number): void {
    this.checkRegistered(subtaskId, 'signal no more splits to');
    this.opts.send(subtaskId, { kind: 'source-no-more-splits' });
  }

  sendEventToSourceReader(subtaskId: number, event: SourceEvent): void {
    this.checkRegistered(subtaskId, 'send an event to');
    this.opts.send(subtaskId, { kind: 'source-event', event });
  }

  private checkRegistered(subtask: number, what: string): void {
    if (!this.readers.has(subtask)) {
      throw new SourceCoordinatorError(this.opts.operatorName, `the enumerator tried to ${what} subtask ${subtask}, which has no registered reader`);
    }
  }

  callAsync<R>(callable: () => R | Promise<R>, handler: (result: R | undefined, error: Error | undefined) => void, initialDelayMs = 0, periodMs?: number): void {
    if (this.closed) return;
    if (periodMs !== undefined && !(periodMs > 0)) throw new SourceCoordinatorError(this.opts.operatorName, `callAsync needs a period > 0, got ${periodMs}`);
    let running = false;
    const run = (): void => {
      // A period that finds the previous call unfinished is skipped: at most one call in flight per callAsync.
      if (this.closed || running) return;
      running = true;
      Promise.resolve()
        .then(callable)
        .then(
          (r) => this.handle(() => handler(r, undefined)),
          (e: unknown) => this.handle(() => handler(undefined, e instanceof Error ? e : new Error(String(e)))),
        )
        .finally(() => (running = false));
    };
    const first = this.opts.scheduler.schedule(Math.max(0, initialDelayMs), () => {
      this.timers.delete(first);
      run();
      if (periodMs === undefined || this.closed) return;
      const periodic = this.opts.scheduler.scheduleAtFixedRate(periodMs, run);
      this.timers.add(periodic);
    });
    this.timers.add(first);
  }

  /** Runs a handler unless the enumerator closed meanwhile; what it throws fails the job (as Flink's). */
  private handle(fn: () => void): void {
    if (this.closed) return;
    try {
      fn();
    } catch (e) {
      this.opts.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Ends async calls and readers: the enumerator this context belongs to is closed. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}
