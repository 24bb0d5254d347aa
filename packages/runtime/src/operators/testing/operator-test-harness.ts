import { ManualClock, type Clock, type Scheduler } from '../../time/clock';
import {
  InputStatus,
  NO_TIMESTAMP,
  type AvailabilityProvider,
  type OneInputStreamOperator,
  type OperatorEnvironment,
  type SourceOperator,
  type StreamOperator,
} from '../stream-operator';
import { InMemoryKeyedStateBackend } from './in-memory-keyed-state-backend';
import { RecordingOutput } from './recording-output';
import { TestingRuntimeContext, type TestingRuntimeContextOptions } from './testing-runtime-context';

export interface OperatorTestHarnessOptions extends TestingRuntimeContextOptions {
  /** Makes the operator keyed: the harness sets the current key from each record, as the task does. */
  readonly keySelector?: (value: never) => unknown;
  /** Time source; a ManualClock (at 0) unless given. */
  readonly clock?: Clock & Scheduler;
  /** Answers sendOperatorEvent; acknowledges at once unless given. */
  readonly onOperatorEvent?: (event: unknown) => Promise<unknown>;
  readonly operatorName?: string;
}

/**
 * Flink's operator test harness: runs one operator outside a task with a recording output, a
 * testing runtime context, an in-memory keyed state backend (when keyed) and captured stdout/stderr.
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
  currentWatermark = Number.MIN_SAFE_INTEGER;
  private isSetUp = false;

  constructor(
    readonly operator: OP,
    protected readonly options: OperatorTestHarnessOptions = {},
  ) {
    this.runtimeContext = new TestingRuntimeContext(options);
    this.clock = options.clock ?? new ManualClock(0);
    if (options.keySelector) this.keyedStateBackend = new InMemoryKeyedStateBackend();
  }

  /** setup + open. */
  async open(): Promise<void> {
    this.setup();
    await this.operator.open();
  }

  setup(): void {
    if (this.isSetUp) return;
    this.isSetUp = true;
    const env: OperatorEnvironment<OUT> = {
      output: this.output,
      runtimeContext: this.runtimeContext,
      operatorId: '0'.repeat(32),
      operatorName: this.options.operatorName ?? 'Testing Operator',
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
      registerAvailabilityProvider: (p) => this.availabilityProviders.push(p),
    };
    this.operator.setup(env);
  }

  async finish(): Promise<void> {
    await this.operator.finish();
  }

  async close(): Promise<void> {
    await this.operator.close();
    this.keyedStateBackend?.dispose();
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
