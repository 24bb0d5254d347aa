import type { Cancellable, Scheduler } from '../time/clock';
import { PartitionNotFoundError } from './network-errors';

interface Waiter<T> {
  readonly connect: (found: T) => void;
  readonly fail: (error: Error) => void;
  /** Absent: the request waits however long (its partition is registered and will be ready later). */
  timer?: Cancellable;
}

/**
 * Requests for result partitions not registered yet where they were asked for (Flink answers them with
 * PartitionNotFound and the consumer asks again; here they wait, one round trip, no polling). Each
 * waits at most taskmanager.network.partition-request-timeout, then fails with PartitionNotFoundError.
 * Used by a TaskManager's PartitionBroker and by a slot thread's own data server. One event loop only.
 */
export class WaitingPartitionRequests<T> {
  private readonly waiting = new Map<string, Array<Waiter<T>>>();

  constructor(
    private readonly scheduler: Scheduler,
    /** taskmanager.network.partition-request-timeout. */
    private readonly timeoutMs: number,
  ) {}

  /** Waits for `partitionKey`: `connect` with what `arrived` hands over, or `fail`. `untimed`: no timeout. */
  wait(partitionKey: string, connect: (found: T) => void, fail: (error: Error) => void, untimed = false): void {
    const waiter: Waiter<T> = { connect, fail };
    if (!untimed) {
      waiter.timer = this.scheduler.schedule(this.timeoutMs, () => {
        const rest = (this.waiting.get(partitionKey) ?? []).filter((w) => w !== waiter);
        if (rest.length > 0) this.waiting.set(partitionKey, rest);
        else this.waiting.delete(partitionKey);
        fail(new PartitionNotFoundError(partitionKey, this.timeoutMs));
      });
    }
    const list = this.waiting.get(partitionKey);
    if (list) list.push(waiter);
    else this.waiting.set(partitionKey, [waiter]);
  }

  /** `partitionKey` was registered but is not ready yet (a BLOCKING partition whose producer runs): its requests wait however long. */
  untime(partitionKey: string): void {
    for (const w of this.waiting.get(partitionKey) ?? []) {
      w.timer?.cancel();
      w.timer = undefined;
    }
  }

  /** `partitionKey` is ready: its waiting requests connect to `found`. */
  arrived(partitionKey: string, found: T): void {
    for (const w of this.take(partitionKey)) w.connect(found);
  }

  /** Fails the requests waiting for `partitionKey` with `error` (the partition was released). */
  fail(partitionKey: string, error: Error): void {
    for (const w of this.take(partitionKey)) w.fail(error);
  }

  /** Removes the requests waiting for `partitionKey`, their timers stopped. */
  private take(partitionKey: string): Array<Waiter<T>> {
    const list = this.waiting.get(partitionKey) ?? [];
    this.waiting.delete(partitionKey);
    for (const w of list) w.timer?.cancel();
    return list;
  }

  /** Stops every timer; with `errorFor`, fails every waiting request with its error, else drops them. */
  close(errorFor?: (partitionKey: string) => Error): void {
    const all = [...this.waiting];
    this.waiting.clear();
    for (const [key, list] of all) {
      for (const w of list) {
        w.timer?.cancel();
        if (errorFor) w.fail(errorFor(key));
      }
    }
  }
}
