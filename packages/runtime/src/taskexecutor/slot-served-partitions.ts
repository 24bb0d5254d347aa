import { FlottError } from '@flott/core';
import {
  BlockingResultPartition,
  DirectProducerChannel,
  PartitionNotFoundError,
  type AttachedProducer,
  type RemotePartitionProvider,
  type ResultPartition,
} from '../network';
import type { Cancellable, Scheduler } from '../time/clock';

/** A partition this slot writes, and the attempt that writes it. */
export interface SlotPartition {
  readonly attemptId: string;
  readonly partition: ResultPartition<unknown>;
}

export interface SlotServedPartitionsOptions {
  /** This slot's registered partition `partitionKey`, if any. */
  lookup(partitionKey: string): SlotPartition | undefined;
  /** Fails the producing attempt: the connection to one of its consumers was lost. */
  failTask(attemptId: string, error: Error): void;
  readonly scheduler: Scheduler;
  /** taskmanager.network.partition-request-timeout. */
  readonly requestTimeoutMs: number;
}

interface ParkedRequest {
  readonly subpartition: number;
  readonly resolve: (producer: AttachedProducer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: Cancellable;
}

const shutDown = (partitionKey: string): FlottError =>
  new FlottError('DATA_SERVER_SHUTDOWN', `The slot thread serving result partition ${partitionKey} shut down`, { partitionKey });

/**
 * What a slot thread's own data server serves (docs/network.md, "Slot threads' own data servers"): the
 * slot's PIPELINED partitions, each requested subpartition attached to a DirectProducerChannel on this
 * thread. A request for a partition not registered yet waits for it, at most
 * taskmanager.network.partition-request-timeout (its producer may still be deploying), as at the
 * TaskManager's PartitionBroker. A BLOCKING partition is refused: once finished its TaskManager serves
 * it, and the JobMaster never sends its consumers here. Slot thread only.
 */
export class SlotServedPartitions implements RemotePartitionProvider {
  private readonly parked = new Map<string, ParkedRequest[]>();
  private closed = false;

  constructor(private readonly opts: SlotServedPartitionsOptions) {}

  requestPartition(partitionKey: string, subpartition: number): Promise<AttachedProducer> {
    const found = this.opts.lookup(partitionKey);
    if (found) return new Promise((resolve) => resolve(this.attach(partitionKey, subpartition, found)));
    if (this.closed) return Promise.reject(shutDown(partitionKey));
    return new Promise((resolve, reject) => {
      const timeoutMs = this.opts.requestTimeoutMs;
      const timer = this.opts.scheduler.schedule(timeoutMs, () => {
        const rest = (this.parked.get(partitionKey) ?? []).filter((p) => p !== request);
        if (rest.length > 0) this.parked.set(partitionKey, rest);
        else this.parked.delete(partitionKey);
        reject(new PartitionNotFoundError(partitionKey, timeoutMs));
      });
      const request: ParkedRequest = { subpartition, resolve, reject, timer };
      const list = this.parked.get(partitionKey) ?? [];
      list.push(request);
      this.parked.set(partitionKey, list);
    });
  }

  /** `partitionKey` was registered in this slot: the requests waiting for it are served now. */
  registered(partitionKey: string): void {
    const waiting = this.parked.get(partitionKey);
    const found = this.opts.lookup(partitionKey);
    if (!waiting || !found) return;
    this.parked.delete(partitionKey);
    for (const p of waiting) {
      p.timer.cancel();
      try {
        p.resolve(this.attach(partitionKey, p.subpartition, found));
      } catch (e) {
        p.reject(e as Error);
      }
    }
  }

  /** The slot shuts down: waiting requests are refused. */
  close(): void {
    this.closed = true;
    for (const [key, list] of this.parked) {
      for (const p of list) {
        p.timer.cancel();
        p.reject(shutDown(key));
      }
    }
    this.parked.clear();
  }

  private attach(partitionKey: string, subpartition: number, found: SlotPartition): AttachedProducer {
    if (found.partition instanceof BlockingResultPartition) {
      throw new FlottError('PARTITION_NOT_SERVED', `Result partition ${partitionKey} is BLOCKING: its TaskManager's data server serves it, not the slot's`, { partitionKey });
    }
    const channel = new DirectProducerChannel((error) => this.opts.failTask(found.attemptId, error));
    // Throws for a subpartition that does not exist or already has a consumer: the request fails with it.
    found.partition.attachConsumer(subpartition, channel.endpoint);
    return channel.producer;
  }
}
