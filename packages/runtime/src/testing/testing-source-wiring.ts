import type { Source, SourceSplit } from '@flott/core';
import { SourceReaderOperator, type SourceWatermarks } from '../operators/sources/source-reader-operator';
import type { OperatorSnapshot } from '../operators/testing/operator-snapshot';
import { SourceOperatorTestHarness } from '../operators/testing/operator-test-harness';
import { ManualClock } from '../time/clock';
import { SourceCoordinator } from '../coordination/source-coordinator';
import { InputStatus } from '../operators/stream-operator';

/**
 * A unified source run without a cluster, for tests: its SourceCoordinator and one harnessed
 * SourceReaderOperator per subtask, wired as the JobMaster and the tasks wire them (events go each
 * way after a turn of the microtask queue, as through the gateways and the mailbox), with checkpoints
 * in Flink's order (the coordinator before the readers) and the resets of a failover.
 */
export class TestingSourceWiring<T> {
  readonly clock = new ManualClock(0);
  readonly failures: Error[] = [];
  readonly coordinator: SourceCoordinator;
  readonly readers: Array<SourceOperatorTestHarness<T> | undefined> = [];
  private attempts = 0;
  private readonly attemptOf = new Map<string, number>();

  constructor(
    private readonly source: Source<T, SourceSplit, unknown>,
    readonly parallelism: number,
    /** The readers' watermark strategy (env.fromSource's); none when not given. */
    private readonly watermarks?: SourceWatermarks<T>,
  ) {
    this.coordinator = new SourceCoordinator({
      context: {
        operatorId: 'f'.repeat(32),
        operatorName: 'Source: testing',
        parallelism,
        sendEventToTask: async (attemptId, event) => {
          const subtask = this.attemptOf.get(attemptId);
          const reader = subtask === undefined ? undefined : this.readers[subtask];
          if (!reader) throw new Error(`attempt ${attemptId} is gone`);
          await Promise.resolve();
          reader.operator.handleOperatorEvent?.(event);
        },
        failJob: (cause) => this.failures.push(cause),
      },
      source: source as Source<unknown, SourceSplit, unknown>,
      clock: this.clock,
      scheduler: this.clock,
    });
  }

  /** Starts (or restarts) the reader of `subtask`, from `restore` when given. */
  async startReader(subtask: number, restore?: OperatorSnapshot | readonly OperatorSnapshot[]): Promise<SourceOperatorTestHarness<T>> {
    const attemptId = `attempt-${++this.attempts}`;
    this.attemptOf.set(attemptId, subtask);
    const harness = new SourceOperatorTestHarness<T>(new SourceReaderOperator(this.source, this.watermarks), {
      subtaskIndex: subtask,
      parallelism: this.parallelism,
      clock: this.clock,
      onOperatorEvent: async (event) => {
        await Promise.resolve();
        await this.coordinator.handleEventFromOperator(subtask, attemptId, event);
      },
    });
    this.readers[subtask] = harness;
    if (restore) await harness.initializeState({ from: restore });
    await harness.open();
    await settle();
    return harness;
  }

  /** The coordinator's state, then every running reader's snapshot (before any other event is handled). */
  async checkpoint(checkpointId: number): Promise<{ coordinator: Uint8Array; readers: OperatorSnapshot[] }> {
    const coordinator = await this.coordinator.checkpointCoordinator(checkpointId);
    const readers = this.readers.flatMap((r) => (r ? [r.snapshot(checkpointId)] : []));
    return { coordinator, readers };
  }

  /** Polls every reader until all ended or none can go on; returns each subtask's output so far. */
  async pollAll(maxRecords = 3, maxRounds = 1000): Promise<T[][]> {
    for (let round = 0; round < maxRounds; round++) {
      let progressed = false;
      for (const r of this.readers) {
        if (!r || r.statuses.at(-1) === InputStatus.END_OF_INPUT) continue;
        const before = r.output.values().length;
        r.pollNext(maxRecords);
        progressed ||= r.output.values().length > before || r.statuses.at(-1) === InputStatus.END_OF_INPUT;
        await settle();
      }
      if (!progressed) break;
    }
    return this.readers.map((r) => r?.output.values() ?? []);
  }
}

/** Lets the events in flight arrive (a few turns of the microtask queue). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
