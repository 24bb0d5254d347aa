import { NO_TIMESTAMP, type Clock, type KeyedStateStore } from '@flott/core';
import { computeKeyGroupForKeyHash, computeKeyGroupRangeForOperatorIndex, hashKey } from '../../network/key-groups';
import { ManualClock, type Scheduler } from '../../time/clock';
import { DefaultKeyedStateStore } from '../../state/keyed-state-store';
import { DefaultOperatorStateStore } from '../../state/operator-state-store';
import { HeapInternalTimeServiceManager } from '../timers/heap-internal-time-service-manager';
import {
  InputStatus,
  type AvailabilityProvider,
  type MailboxExecutor,
  type OneInputStreamOperator,
  type TwoInputStreamOperator,
  type OperatorEnvironment,
  type SourceOperator,
  type StreamOperator,
} from '../stream-operator';
import { InMemoryKeyedStateBackend } from './in-memory-keyed-state-backend';
import { restoreFromSnapshots, takeOperatorSnapshot, type OperatorSnapshot, type SnapshotSubtask } from './operator-snapshot';
import { RecordingOutput } from './recording-output';
import { TestingRuntimeContext, type TestingRuntimeContextOptions } from './testing-runtime-context';

export interface OperatorTestHarnessOptions extends TestingRuntimeContextOptions {
  /** Makes the operator keyed: the harness sets the current key from each record, as the task does. */
  readonly keySelector?: (value: never) => unknown;
  /** Two-input harness: the key of input 2's records (input 1 uses `keySelector`); unset for a broadcast input. */
  readonly keySelector2?: (value: never) => unknown;
  /** Time source; a ManualClock (at 0) unless given. */
  readonly clock?: Clock & Scheduler;
  /** Answers sendOperatorEvent; acknowledges at once unless given. */
  readonly onOperatorEvent?: (event: unknown) => Promise<unknown>;
  readonly operatorName?: string;
  /** Names the operator's state in snapshots; 32 zeros unless given. */
  readonly operatorId?: string;
  /** Whether the task's outputs take more data (back-pressure as the operator sees it); always unless given. */
  readonly isOutputAvailable?: () => boolean;
  /** The task takes a final checkpoint after the operator finished (OperatorEnvironment.checkpointsAfterTasksFinish). */
  readonly checkpointsAfterTasksFinish?: boolean;
}

/** What `initializeState` starts the operator from. */
export interface HarnessRestore {
  /**
   * Snapshots of an earlier run of the operator (one subtask's, or several subtasks' of one run,
   * e.g. all of them): the harness restores its share at its own subtask index, parallelism and max
   * parallelism, as a task does (keyed state of its key groups, redistributed operator state).
   */
  readonly from?: OperatorSnapshot | readonly OperatorSnapshot[];
  /** Marks the start as a restore from this checkpoint; `from`'s checkpoint unless given. */
  readonly restoredCheckpointId?: number;
}

/**
 * Flink's operator test harness: runs one operator outside a task with a recording output, a
 * testing runtime context, an in-memory keyed state backend (when keyed) and captured stdout/stderr.
 * `output.log` keeps everything the operator emitted in one ordered log (Flink's harness output
 * queue): records, side-output records with their tag, watermarks and watermark statuses.
 *
 * A keyed harness runs as subtask `subtaskIndex` of `parallelism` (options; 0 of 1, max parallelism
 * 128 unless given): its backend holds the key groups of that subtask, assigned as the runtime does,
 * and rejects other keys. `snapshot()` and `initializeState({ from })` checkpoint and restore the
 * operator through the task's code paths (Flink's harness snapshot / initializeState).
 */
abstract class HarnessBase<OUT, OP extends StreamOperator<OUT>> {
  readonly output = new RecordingOutput<OUT>();
  readonly runtimeContext: TestingRuntimeContext;
  readonly clock: Clock & Scheduler;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly operatorEvents: unknown[] = [];
  readonly availabilityProviders: AvailabilityProvider[] = [];
  readonly keyedStateBackend?: InMemoryKeyedStateBackend;
  /** Keyed harnesses only: the operator's timers, on the harness clock. */
  readonly timeServiceManager?: HeapInternalTimeServiceManager;
  /** Non-keyed state of the operator (list, union list, broadcast). */
  readonly operatorStateStore = new DefaultOperatorStateStore();
  currentWatermark = Number.MIN_SAFE_INTEGER;
  readonly operatorId: string;
  private isSetUp = false;
  private isInitialized = false;
  private readonly keyedStateStore?: KeyedStateStore;
  private readonly pendingMail: Array<() => void> = [];
  private onMail?: () => void;
  /** The operator's mailbox: what it submits runs when the test calls `processMail()` (or the operator yields). */
  readonly mailbox: MailboxExecutor = {
    execute: (action) => {
      this.pendingMail.push(action);
      const wake = this.onMail;
      this.onMail = undefined;
      wake?.();
    },
    yield: async () => {
      await this.whenMail();
      this.processMail();
    },
  };

  constructor(
    readonly operator: OP,
    protected readonly options: OperatorTestHarnessOptions = {},
  ) {
    this.clock = options.clock ?? new ManualClock(0);
    this.operatorId = options.operatorId ?? '0'.repeat(32);
    if (options.keySelector) {
      const { subtaskIndex, parallelism, maxParallelism } = this.subtask;
      // The runtime's key-group assignment (as OperatorChain sets it up), so snapshots split by key group as a task's do.
      const keyGroupOf = (key: unknown): number => computeKeyGroupForKeyHash(hashKey(key), maxParallelism);
      const range = computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, subtaskIndex);
      this.keyedStateBackend = new InMemoryKeyedStateBackend(range, { keyGroupOf, operatorId: this.operatorId });
      this.timeServiceManager = new HeapInternalTimeServiceManager({
        keyedStateBackend: this.keyedStateBackend,
        clock: this.clock,
        scheduler: this.clock,
        keyGroupOf,
      });
    }
    // As the task does: functions of a keyed operator reach its keyed state through the context.
    const keyedStateStore = this.keyedStateBackend ? new DefaultKeyedStateStore(this.keyedStateBackend, this.clock) : undefined;
    this.keyedStateStore = keyedStateStore;
    this.runtimeContext = new TestingRuntimeContext({ keyedStateStore, ...options });
  }

  /** setup + initializeState (unless the test called it) + open, as a task starts an operator. */
  async open(): Promise<void> {
    if (!this.isInitialized) await this.initializeState();
    await this.operator.open();
  }

  /** The subtask the harness runs as (options, defaults 0 of 1, max parallelism 128). */
  get subtask(): SnapshotSubtask {
    const { subtaskIndex = 0, parallelism = 1, maxParallelism = 128, operatorName = 'Testing Operator' } = this.options;
    return { operatorId: this.operatorId, operatorName, subtaskIndex, parallelism, maxParallelism };
  }

  /**
   * setup + the operator's initializeState (Flink's initializeState / initializeEmptyState), once.
   * With `from`, the stores are first restored from those snapshots (see HarnessRestore). With
   * `from` or `restoredCheckpointId` it is a restore: isRestored() is true (without `from` the stores
   * hold what the test put into `operatorStateStore` and the keyed state backend beforehand).
   */
  async initializeState(restore: HarnessRestore = {}): Promise<void> {
    if (this.isInitialized) throw new Error('The operator was already initialised (initializeState runs once, before open)');
    this.setup();
    this.isInitialized = true;
    let { restoredCheckpointId } = restore;
    if (restore.from !== undefined) {
      const target = { name: this.subtask.operatorName, keyedBackend: this.keyedStateBackend, timeServiceManager: this.timeServiceManager, operatorStateStore: this.operatorStateStore };
      const checkpointId = await restoreFromSnapshots(target, this.subtask, restore.from);
      restoredCheckpointId ??= checkpointId;
    }
    await this.operator.initializeState?.({
      isRestored: () => restoredCheckpointId !== undefined,
      restoredCheckpointId,
      operatorStateStore: this.operatorStateStore,
      keyedStateStore: this.keyedStateStore,
    });
  }

  /**
   * Takes the operator's part of checkpoint `checkpointId` (Flink's harness snapshot): its
   * snapshotState hook, then its keyed state, timers and operator state serialised as a task's
   * checkpoint does. Start another harness from it with `initializeState({ from })`.
   */
  snapshot(checkpointId: number, timestamp = 0): OperatorSnapshot {
    if (!this.isInitialized) throw new Error('snapshot() needs an initialised operator (call initializeState or open first)');
    this.operator.prepareSnapshotPreBarrier?.(checkpointId);
    this.operator.snapshotState?.({ checkpointId, checkpointTimestamp: timestamp });
    const source = { keyedBackend: this.keyedStateBackend, timeServiceManager: this.timeServiceManager, operatorStateStore: this.operatorStateStore };
    return takeOperatorSnapshot(source, this.subtask, checkpointId, timestamp);
  }

  setup(): void {
    if (this.isSetUp) return;
    this.isSetUp = true;
    const env: OperatorEnvironment<OUT> = {
      output: this.output,
      runtimeContext: this.runtimeContext,
      operatorId: this.operatorId,
      operatorName: this.subtask.operatorName,
      clock: this.clock,
      scheduler: this.clock,
      currentWatermark: () => this.currentWatermark,
      stdout: (line) => this.stdout.push(line),
      stderr: (line) => this.stderr.push(line),
      sendOperatorEvent: (event) => {
        this.operatorEvents.push(event);
        return this.options.onOperatorEvent ? this.options.onOperatorEvent(event) : Promise.resolve(undefined);
      },
      keyedStateBackend: this.keyedStateBackend,
      operatorStateStore: this.operatorStateStore,
      timeServiceManager: this.timeServiceManager,
      registerAvailabilityProvider: (p) => this.availabilityProviders.push(p),
      isOutputAvailable: this.options.isOutputAvailable,
      mailbox: this.mailbox,
      checkpointsAfterTasksFinish: this.options.checkpointsAfterTasksFinish,
    };
    this.operator.setup(env);
  }

  async finish(): Promise<void> {
    await this.operator.finish();
  }

  async close(): Promise<void> {
    await this.operator.close();
    this.timeServiceManager?.dispose();
    this.keyedStateBackend?.dispose();
  }

  /**
   * Moves processing time forward (Flink's setProcessingTime), firing due processing-time timers and
   * scheduled callbacks in time order. Needs the default ManualClock (or a ManualClock passed in).
   */
  advanceProcessingTime(ms: number): void {
    if (!(this.clock instanceof ManualClock)) throw new Error('advanceProcessingTime needs a ManualClock');
    this.clock.advance(ms);
  }

  /** Sets processing time to `time` (not backwards). */
  setProcessingTime(time: number): void {
    const now = this.clock.currentTimeMillis();
    if (time < now) throw new Error(`Processing time cannot go back from ${now} to ${time}`);
    this.advanceProcessingTime(time - now);
  }

  /** Registered timers of all timer services (0 when not keyed). */
  numTimers(): number {
    return this.timeServiceManager?.numTimers() ?? 0;
  }

  /** Runs the mail the operator submitted, in order, as the task's loop does between records; what an action throws propagates. Returns how many ran. */
  processMail(): number {
    let n = 0;
    while (this.pendingMail.length > 0) {
      this.pendingMail.shift()!();
      n++;
    }
    return n;
  }

  /** Resolves once the operator submitted mail (at once when some is pending). */
  whenMail(): Promise<void> {
    if (this.pendingMail.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => (this.onMail = resolve));
  }

  /** Whether every registered availability provider is available. */
  isAvailable(): boolean {
    return this.availabilityProviders.every((p) => p.isAvailable());
  }
}

export class OneInputOperatorTestHarness<IN, OUT> extends HarnessBase<OUT, OneInputStreamOperator<IN, OUT>> {
  processElement(value: IN, timestamp = NO_TIMESTAMP): void {
    const selector = this.options.keySelector as ((value: IN) => unknown) | undefined;
    if (selector && this.keyedStateBackend) this.keyedStateBackend.setCurrentKey(selector(value));
    this.operator.processElement(value, timestamp);
  }

  processElements(values: Iterable<IN>): void {
    for (const v of values) this.processElement(v);
  }

  processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    this.operator.processWatermark(watermark);
  }

  /** Delivers an input watermark status (true = idle), as the task's valve would. */
  processWatermarkStatus(idle: boolean): void {
    this.operator.processWatermarkStatus?.(idle);
  }

  /** Keyed harnesses: sets the current key by hand (e.g. before touching state from the test). */
  setCurrentKey(key: unknown): void {
    if (!this.keyedStateBackend) throw new Error('setCurrentKey needs a keyed harness (options.keySelector)');
    this.keyedStateBackend.setCurrentKey(key);
  }

  /** open, feed all values, finish, close; returns the main output's values. */
  async run(values: Iterable<IN>): Promise<OUT[]> {
    await this.open();
    this.processElements(values);
    await this.finish();
    await this.close();
    return this.output.values();
  }
}

export class SourceOperatorTestHarness<OUT> extends HarnessBase<OUT, SourceOperator<OUT>> {
  readonly statuses: InputStatus[] = [];

  pollNext(maxRecords: number): InputStatus {
    const s = this.operator.pollNext(maxRecords);
    this.statuses.push(s);
    return s;
  }

  /**
   * Polls until END_OF_INPUT, awaiting `available()` after NOTHING_AVAILABLE (so it needs real time
   * or a test that advances the manual clock). Fails after `maxPolls` polls.
   */
  async pollUntilEnd(maxRecordsPerPoll = 100, maxPolls = 1_000_000): Promise<OUT[]> {
    for (let i = 0; i < maxPolls; i++) {
      const s = this.pollNext(maxRecordsPerPoll);
      if (s === InputStatus.END_OF_INPUT) return this.output.values();
      if (s === InputStatus.NOTHING_AVAILABLE) await this.operator.available();
    }
    throw new Error(`Source did not end within ${maxPolls} polls`);
  }

  /** open, poll to the end, finish, close; returns what the source emitted. */
  async run(maxRecordsPerPoll = 100): Promise<OUT[]> {
    await this.open();
    try {
      await this.pollUntilEnd(maxRecordsPerPoll);
      await this.finish();
    } finally {
      await this.close();
    }
    return this.output.values();
  }
}

/** A OneInputOperatorTestHarness whose operator is keyed by `keySelector` (state and timers per key). */
export class KeyedOneInputOperatorTestHarness<IN, OUT, K> extends OneInputOperatorTestHarness<IN, OUT> {
  constructor(operator: OneInputStreamOperator<IN, OUT>, keySelector: (value: IN) => K, options: Omit<OperatorTestHarnessOptions, 'keySelector'> = {}) {
    super(operator, { ...options, keySelector: keySelector as (value: never) => unknown });
  }
}

/**
 * Runs a two-input operator (Flink's TwoInputStreamOperatorTestHarness). Keyed when `keySelector` is
 * given: the key of input 1 comes from it, the key of input 2 from `keySelector2` (none: the current
 * key stays as it was, as for a broadcast input).
 */
export class TwoInputOperatorTestHarness<IN1, IN2, OUT> extends HarnessBase<OUT, TwoInputStreamOperator<IN1, IN2, OUT>> {
  processElement1(value: IN1, timestamp = NO_TIMESTAMP): void {
    const selector = this.options.keySelector as ((value: IN1) => unknown) | undefined;
    if (selector && this.keyedStateBackend) this.keyedStateBackend.setCurrentKey(selector(value));
    this.operator.processElement1(value, timestamp);
  }

  processElement2(value: IN2, timestamp = NO_TIMESTAMP): void {
    const selector = this.options.keySelector2 as ((value: IN2) => unknown) | undefined;
    if (selector && this.keyedStateBackend) this.keyedStateBackend.setCurrentKey(selector(value));
    this.operator.processElement2(value, timestamp);
  }

  processWatermark1(watermark: number): void {
    this.operator.processWatermark1(watermark);
  }

  processWatermark2(watermark: number): void {
    this.operator.processWatermark2(watermark);
  }

  /** Delivers input 1's watermark status (true = idle), as the task's valve of that input would. */
  processWatermarkStatus1(idle: boolean): void {
    this.operator.processWatermarkStatus1?.(idle);
  }

  processWatermarkStatus2(idle: boolean): void {
    this.operator.processWatermarkStatus2?.(idle);
  }
}
