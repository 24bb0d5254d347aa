import { FlottError } from '@flott/core';
import {
  BlockingResultPartition,
  DirectProducerChannel,
  WaitingPartitionRequests,
  type AttachedProducer,
  type RemotePartitionProvider,
  type ResultPartition,
} from '../network';
import type { Scheduler } from '../time/clock';

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
  private readonly waiting: WaitingPartitionRequests<SlotPartition>;
  private closed = false;

  constructor(private readonly opts: SlotServedPartitionsOptions) {
    this.waiting = new WaitingPartitionRequests(opts.scheduler, opts.requestTimeoutMs);
  }

  requestPartition(partitionKey: string, subpartition: number): Promise<AttachedProducer> {
    return new Promise((resolve, reject) => {
      const connect = (found: SlotPartition) => {
        try {
          resolve(this.attach(partitionKey, subpartition, found));
        } catch (e) {
          reject(e as Error);
        }
      };
      const found = this.opts.lookup(partitionKey);
      if (found) connect(found);
      else if (this.closed) reject(shutDown(partitionKey));
      else this.waiting.wait(partitionKey, connect, reject);
    });
  }

  /** `partitionKey` was registered in this slot: the requests waiting for it are served now. */
  registered(partitionKey: string): void {
    const found = this.opts.lookup(partitionKey);
    if (found) this.waiting.arrived(partitionKey, found);
  }

  /** The slot shuts down: waiting requests are refused. */
  close(): void {
    this.closed = true;
    this.waiting.close(shutDown);
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
