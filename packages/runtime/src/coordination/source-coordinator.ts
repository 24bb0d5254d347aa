import type { Clock, Source, SourceSplit, SplitEnumerator } from '@flott/core';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';
import type { OperatorCoordinator, OperatorCoordinatorContext } from './operator-coordinator';
import { SourceCoordinatorContext } from './source-coordinator-context';
import { SourceCoordinatorError } from './source-coordinator-errors';
import { isReaderToCoordinatorEvent, type CoordinatorToReaderEvent } from './source-events';
import { SplitAssignmentTracker } from './split-assignment-tracker';
import { VersionedCodec, packValue, unpackValue } from './split-codec';

export interface SourceCoordinatorOptions {
  readonly context: OperatorCoordinatorContext;
  readonly source: Source<unknown, SourceSplit, unknown>;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly log?: Logger;
}

/** Version of the coordinator's checkpoint form: `[1, enumeratorCheckpoint]` (see VersionedCodec). */
const STATE_VERSION = 1;

/**
 * Runs a source's SplitEnumerator on the JobMaster (Flink's SourceCoordinator): registers readers as
 * they announce themselves, routes their split requests and events to the enumerator, delivers its
 * assignments, and checkpoints and restores it. JobMaster event loop only.
 */
export class SourceCoordinator implements OperatorCoordinator {
  private readonly tracker = new SplitAssignmentTracker<SourceSplit>();
  private readonly splitCodec: VersionedCodec<SourceSplit>;
  private readonly checkpointCodec: VersionedCodec<unknown>;
  private context!: SourceCoordinatorContext<SourceSplit>;
  private enumerator?: SplitEnumerator<SourceSplit, unknown>;
  /** Set by resetToCheckpoint: the enumerator checkpoint the next start restores. */
  private restoredState?: unknown;
  private started = false;
  private readonly log: Logger;

  constructor(private readonly opts: SourceCoordinatorOptions) {
    this.log = opts.log ?? SILENT_LOGGER;
    this.splitCodec = new VersionedCodec(opts.source.getSplitSerializer?.());
    this.checkpointCodec = new VersionedCodec(opts.source.getEnumeratorCheckpointSerializer?.());
    this.context = this.newContext();
  }

  private newContext(): SourceCoordinatorContext<SourceSplit> {
    const { opts } = this;
    return new SourceCoordinatorContext({
      operatorName: opts.context.operatorName,
      parallelism: opts.context.parallelism,
      clock: opts.clock,
      scheduler: opts.scheduler,
      tracker: this.tracker,
      splitCodec: this.splitCodec,
      send: (subtask, event) => this.send(subtask, event),
      fail: (cause) => this.fail('its asynchronous work failed', cause),
    });
  }

  start(): void {
    this.started = true;
    const { source } = this.opts;
    const restored = this.restoredState;
    this.restoredState = undefined;
    this.enumerator = this.guard('creating the enumerator failed', () =>
      restored === undefined ? source.createEnumerator(this.context) : source.restoreEnumerator(this.context, this.checkpointCodec.decode(restored)),
    );
    this.guard('starting the enumerator failed', () => this.enumerator?.start());
  }

  executionAttemptFailed(subtask: number, attemptId: string): void {
    this.context.unregisterReader(subtask, attemptId);
  }

  async handleEventFromOperator(subtask: number, attemptId: string, event: unknown): Promise<void> {
    if (!isReaderToCoordinatorEvent(event)) throw new SourceCoordinatorError(this.opts.context.operatorName, `unknown event from subtask ${subtask}: ${JSON.stringify(event)}`);
    const enumerator = this.enumerator;
    if (!enumerator) return;
    this.guard(`handling ${event.kind} of subtask ${subtask} failed`, () => {
      if (event.kind === 'source-reader-registration') {
        this.context.registerReader(subtask, attemptId);
        enumerator.addReader(subtask);
      } else if (event.kind === 'source-request-split') {
        enumerator.handleSplitRequest(subtask);
      } else {
        enumerator.handleSourceEvent?.(subtask, event.event);
      }
    });
  }

  async checkpointCoordinator(checkpointId: number): Promise<Uint8Array> {
    const enumerator = this.enumerator;
    if (!enumerator) throw new SourceCoordinatorError(this.opts.context.operatorName, `checkpoint ${checkpointId} before the enumerator started`);
    // The assignments so far are in the readers' state of this checkpoint (their events precede its barriers).
    this.tracker.onCheckpoint(checkpointId);
    const state = await enumerator.snapshotState(checkpointId);
    return packValue([STATE_VERSION, this.checkpointCodec.encode(state)]);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.tracker.onCheckpointComplete(checkpointId);
    this.guard('notifyCheckpointComplete failed', () => this.enumerator?.notifyCheckpointComplete?.(checkpointId));
  }

  subtaskReset(subtask: number, checkpointId: number | undefined): void {
    this.context.unregisterReader(subtask);
    const splits = this.tracker.takeAssignmentsAfter(subtask, checkpointId);
    this.log.info({ subtask, checkpointId, splits: splits.length }, `Source '${this.opts.context.operatorName}' subtask ${subtask} restarts; ${splits.length} split(s) go back to the enumerator.`);
    if (splits.length > 0) this.guard('addSplitsBack failed', () => this.enumerator?.addSplitsBack(splits, subtask));
  }

  async resetToCheckpoint(checkpointId: number | undefined, state: Uint8Array | undefined): Promise<void> {
    await this.closeEnumerator();
    this.tracker.clear();
    this.context = this.newContext();
    this.restoredState = state === undefined ? undefined : this.decodeState(state, checkpointId);
    if (this.started) this.start();
  }

  private decodeState(bytes: Uint8Array, checkpointId: number | undefined): unknown {
    const decoded = unpackValue(bytes);
    if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== STATE_VERSION) {
      throw new SourceCoordinatorError(this.opts.context.operatorName, `its state in checkpoint ${checkpointId} has an unknown form (expected version ${STATE_VERSION})`);
    }
    return decoded[1];
  }

  async close(): Promise<void> {
    this.started = false;
    await this.closeEnumerator();
  }

  private async closeEnumerator(): Promise<void> {
    this.context.close();
    const e = this.enumerator;
    this.enumerator = undefined;
    try {
      await e?.close();
    } catch (err) {
      // The enumerator is replaced or the job ends either way; a failing close leaks at most its own resources.
      this.log.warn({ err }, `Closing the enumerator of source '${this.opts.context.operatorName}' failed.`);
    }
  }

  private send(subtask: number, event: CoordinatorToReaderEvent): void {
    const attemptId = this.context.attemptOf(subtask);
    if (!attemptId) return; // the reader's attempt is gone; its reset returns what it was assigned
    this.opts.context.sendEventToTask(attemptId, event).catch((err: unknown) => {
      this.log.debug({ err, subtask }, `An event to subtask ${subtask} of source '${this.opts.context.operatorName}' did not arrive; the subtask is failing over.`);
    });
  }

  private guard<R>(what: string, fn: () => R): R | undefined {
    try {
      return fn();
    } catch (e) {
      this.fail(what, e);
      return undefined;
    }
  }

  private fail(what: string, cause: unknown): void {
    this.opts.context.failJob(cause instanceof SourceCoordinatorError ? cause : new SourceCoordinatorError(this.opts.context.operatorName, what, cause));
  }
}
