import type { CollectedBatch } from '../rpc/gateways';

interface CollectEvent {
  readonly type: 'collect';
  readonly sinkId: string;
  readonly attemptNumber: number;
  readonly records: unknown[];
}

export function isCollectEvent(e: unknown): e is CollectEvent {
  return typeof e === 'object' && e !== null && (e as CollectEvent).type === 'collect' && Array.isArray((e as CollectEvent).records);
}

/**
 * Holds what collect sinks sent until the client polls it. Bounded: past `maxBufferedRecords` the
 * sink's acknowledgement waits for the client, which back-pressures the sink.
 */
export class CollectCoordinator {
  private buffers = new Map<string, unknown[]>();
  private buffered = 0;
  private version = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly maxBufferedRecords: number) {}

  accept(event: CollectEvent): Promise<{ accepted: true }> {
    const list = this.buffers.get(event.sinkId) ?? [];
    for (const r of event.records) list.push(r);
    this.buffers.set(event.sinkId, list);
    this.buffered += event.records.length;
    if (this.buffered <= this.maxBufferedRecords) return Promise.resolve({ accepted: true });
    return new Promise((resolve) => this.waiting.push(() => resolve({ accepted: true })));
  }

  poll(): CollectedBatch {
    const records = [...this.buffers].map(([sinkId, recs]) => ({ sinkId, records: recs }));
    this.buffers = new Map();
    this.buffered = 0;
    for (const w of this.waiting.splice(0)) w();
    return { version: this.version, records };
  }

  /** The job restarts: what was collected so far belongs to failed attempts. */
  reset(): void {
    this.version++;
    this.buffers = new Map();
    this.buffered = 0;
    for (const w of this.waiting.splice(0)) w();
  }
}
