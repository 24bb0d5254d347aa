import { AbstractStreamOperator } from '../abstract-stream-operator';
import { AVAILABLE, AvailabilityNotifier } from '../availability';
import { CollectSinkError } from '../operator-errors';
import type { AvailabilityProvider, OneInputStreamOperator, OperatorEnvironment } from '../stream-operator';

/** What the collect sink sends to its coordinator in the JobMaster, acknowledged by resolving. */
export interface CollectBatchEvent {
  readonly type: 'collect';
  readonly sinkId: string;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  readonly records: unknown[];
}

export interface CollectSinkOptions {
  /** Records per batch (`collect-sink.batch-size.max-records`). */
  readonly batchSize: number;
  /** Batches sent but not yet acknowledged before the sink back-pressures (`collect-sink.max-pending-batches`). */
  readonly maxPendingBatches: number;
}

/** The collect sink id the API derives from the sink's stream node id (deterministic across re-runs). */
export function collectSinkId(streamNodeId: number): string {
  return `collect-${streamNodeId}`;
}

export function isCollectBatchEvent(e: unknown): e is CollectBatchEvent {
  return typeof e === 'object' && e !== null && (e as CollectBatchEvent).type === 'collect' && Array.isArray((e as CollectBatchEvent).records);
}

/**
 * The sink behind executeAndCollect(): batches records and sends each batch as an operator event.
 * At most `maxPendingBatches` batches are unacknowledged; while that many are pending the sink is
 * unavailable, so the task stops feeding it. `finish()` sends the rest and waits for every ack.
 */
export class CollectSink<T> extends AbstractStreamOperator<unknown> implements OneInputStreamOperator<T, unknown>, AvailabilityProvider {
  private batch: unknown[] = [];
  private pending = 0;
  private failure?: CollectSinkError;
  private readonly acked = new AvailabilityNotifier();

  constructor(
    readonly sinkId: string,
    private readonly options: CollectSinkOptions,
  ) {
    super();
    if (!(options.batchSize >= 1) || !(options.maxPendingBatches >= 1)) {
      throw new RangeError(`Collect sink needs batchSize >= 1 and maxPendingBatches >= 1, got ${JSON.stringify(options)}`);
    }
  }

  override setup(env: OperatorEnvironment<unknown>): void {
    super.setup(env);
    env.registerAvailabilityProvider(this);
  }

  processElement(value: T): void {
    if (this.failure) throw this.failure;
    this.batch.push(value);
    // If the task keeps feeding while all batches are pending, records wait here until an ack.
    if (this.batch.length >= this.options.batchSize && this.pending < this.options.maxPendingBatches) this.sendBatch();
  }

  processWatermark(): void {}

  isAvailable(): boolean {
    return this.pending < this.options.maxPendingBatches || this.failure !== undefined;
  }

  whenAvailable(): Promise<void> {
    return this.isAvailable() ? AVAILABLE : this.waitForAck().then(() => this.whenAvailable());
  }

  override async finish(): Promise<void> {
    while (this.batch.length > 0) {
      if (this.failure) throw this.failure;
      if (this.pending < this.options.maxPendingBatches) this.sendBatch();
      else await this.waitForAck();
    }
    while (this.pending > 0 && !this.failure) await this.waitForAck();
    if (this.failure) throw this.failure;
  }

  private waitForAck(): Promise<void> {
    return this.acked.next();
  }

  private sendBatch(): void {
    const records = this.batch.slice(0, this.options.batchSize);
    this.batch = this.batch.slice(records.length);
    const ctx = this.env.runtimeContext;
    const event: CollectBatchEvent = {
      type: 'collect',
      sinkId: this.sinkId,
      subtaskIndex: ctx.getIndexOfThisSubtask(),
      attemptNumber: ctx.getAttemptNumber(),
      records,
    };
    this.pending++;
    this.env.sendOperatorEvent(event).then(
      () => {
        this.pending--;
        if (this.batch.length >= this.options.batchSize && this.pending < this.options.maxPendingBatches) this.sendBatch();
        this.acked.notify();
      },
      (e: unknown) => {
        this.pending--;
        this.failure ??= new CollectSinkError(this.sinkId, e);
        this.acked.notify();
      },
    );
  }
}
