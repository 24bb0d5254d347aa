import { MessageChannel } from 'node:worker_threads';
import { FlottError, serializeError, type Configuration } from '@flott/core';
import { NetworkOptions, TaskManagerOptions } from '../config/options';
import type { Logger } from '../logging/logger';
import { internalSecurityOf } from '../rpc/tcp-rpc-configuration';
import { DataConnectionManager, type AttachedProducer, type RemotePartitionProvider } from '../network';
import type { Cancellable, Scheduler } from '../time/clock';
import type { FromSlot } from './slot-protocol';
import type { TaskSlot } from './slot-thread';

export class PartitionNotFoundError extends FlottError {
  constructor(partitionKey: string, timeoutMs: number) {
    super('PARTITION_NOT_FOUND', `Result partition ${partitionKey} did not appear within ${timeoutMs} ms (taskmanager.network.partition-request-timeout)`, { partitionKey, timeoutMs });
  }
}

/** Where a registered partition is written: its slot, job and producing attempt. */
interface PartitionLocation {
  readonly slot: TaskSlot;
  readonly jobId: string;
  readonly attemptId?: string;
}

interface ParkedRequest {
  /** Identifies a local consumer's request, so its timeout removes only it. */
  readonly owner: object;
  readonly connect: (producer: PartitionLocation) => void;
  readonly timer: Cancellable;
}

/**
 * A TaskExecutor's side of data exchange (Flink's ShuffleEnvironment with its partition manager): knows
 * which slot writes which result partition, connects consumer slots to producer slots of this
 * TaskManager through a MessageChannel, and through its DataConnectionManager serves its partitions to
 * consumers on other TaskManagers and requests remote ones for its own consumers. A request for a
 * partition not registered yet waits for it, at most taskmanager.network.partition-request-timeout.
 * Main event loop only.
 */
export class PartitionBroker implements RemotePartitionProvider {
  private readonly locations = new Map<string, PartitionLocation>();
  private readonly parked = new Map<string, ParkedRequest[]>();
  private data: DataConnectionManager | undefined;

  constructor(
    private readonly resourceId: string,
    private readonly configuration: Configuration,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
  ) {}

  /** Starts the data server; resolves with the `host:port` other TaskManagers reach it at. */
  async start(): Promise<string> {
    const config = this.configuration;
    this.data = await DataConnectionManager.start({
      bindHost: config.get(TaskManagerOptions.BIND_HOST),
      port: config.get(NetworkOptions.DATA_PORT),
      advertisedHost: config.get(TaskManagerOptions.HOST),
      segmentSize: config.get(NetworkOptions.SEGMENT_SIZE),
      maxChannelsPerConnection: config.get(NetworkOptions.MAX_CONNECTION_CHANNELS),
      connectTimeoutMs: config.get(NetworkOptions.CONNECT_TIMEOUT_SEC) * 1000,
      scheduler: this.scheduler,
      partitions: this,
      logger: this.log,
      ...(await internalSecurityOf(config)),
    });
    this.log.info({ dataAddress: this.data.address }, `TaskExecutor ${this.resourceId} serves its result partitions at ${this.data.address}.`);
    return this.data.address;
  }

  get dataAddress(): string | undefined {
    return this.data?.address;
  }

  /** Connections of the data server, in and out (for tests and metrics). */
  get connectionCount(): { incoming: number; outgoing: number } {
    return this.data?.connectionCount ?? { incoming: 0, outgoing: 0 };
  }

  partitionRegistered(slot: TaskSlot, msg: Extract<FromSlot, { type: 'partition-registered' }>): void {
    const location: PartitionLocation = { slot, jobId: msg.jobId, ...(msg.attemptId ? { attemptId: msg.attemptId } : {}) };
    this.locations.set(msg.partitionKey, location);
    for (const p of this.parked.get(msg.partitionKey) ?? []) {
      p.timer.cancel();
      p.connect(location);
    }
    this.parked.delete(msg.partitionKey);
  }

  /** A consumer slot asks for a channel: from a slot here, or over TCP from the producer's TaskManager. */
  requestFromSlot(consumer: TaskSlot, msg: Extract<FromSlot, { type: 'request-partition' }>): void {
    const dataAddress = msg.producer?.dataAddress;
    if (this.data && dataAddress && msg.producer?.resourceId !== this.resourceId) {
      const { port1, port2 } = new MessageChannel();
      consumer.post({ type: 'connect-channel', requestId: msg.requestId, port: port2 }, [port2]);
      this.data.requestPartition(dataAddress, msg.partitionKey, msg.subpartition, port1, (error) => {
        if (msg.attemptId) consumer.post({ type: 'fail-task', attemptId: msg.attemptId, error: serializeError(error) });
      });
      return;
    }
    const owner = {};
    this.whenRegistered(
      msg.partitionKey,
      owner,
      (producer) => this.connectSlots(consumer, msg.requestId, msg.partitionKey, msg.subpartition, producer.slot),
      (error) => consumer.post({ type: 'connect-failed', requestId: msg.requestId, error: serializeError(error) }),
    );
  }

  /** A consumer on another TaskManager asks for a subpartition (RemotePartitionProvider). */
  requestPartition(partitionKey: string, subpartition: number): Promise<AttachedProducer> {
    return new Promise((resolve, reject) => {
      this.whenRegistered(partitionKey, {}, (producer) => {
        const { port1, port2 } = new MessageChannel();
        producer.slot.post({ type: 'attach-consumer', partitionKey, subpartition, port: port1 }, [port1]);
        resolve({
          port: port2,
          failProducer: (error) => {
            if (producer.attemptId) producer.slot.post({ type: 'fail-task', attemptId: producer.attemptId, error: serializeError(error) });
          },
        });
      }, reject);
    });
  }

  /** Forgets the partitions `slot` wrote (for `jobId` only, when given): the slot was freed or died. */
  forgetSlot(slot: TaskSlot, jobId?: string): void {
    for (const [key, loc] of this.locations) if (loc.slot === slot && (jobId === undefined || loc.jobId === jobId)) this.locations.delete(key);
  }

  /** Forgets `partitionKey` and returns the slot that wrote it (to release it there). */
  release(partitionKey: string): TaskSlot | undefined {
    const loc = this.locations.get(partitionKey);
    this.locations.delete(partitionKey);
    return loc?.slot;
  }

  async close(): Promise<void> {
    for (const list of this.parked.values()) for (const p of list) p.timer.cancel();
    this.parked.clear();
    await this.data?.close();
  }

  private whenRegistered(partitionKey: string, owner: object, connect: (producer: PartitionLocation) => void, fail: (error: Error) => void): void {
    const producer = this.locations.get(partitionKey);
    if (producer) {
      connect(producer);
      return;
    }
    const timeoutMs = this.configuration.get(NetworkOptions.PARTITION_REQUEST_TIMEOUT);
    const timer = this.scheduler.schedule(timeoutMs, () => {
      const list = this.parked.get(partitionKey)?.filter((p) => p.owner !== owner) ?? [];
      if (list.length) this.parked.set(partitionKey, list);
      else this.parked.delete(partitionKey);
      fail(new PartitionNotFoundError(partitionKey, timeoutMs));
    });
    const list = this.parked.get(partitionKey) ?? [];
    list.push({ owner, connect, timer });
    this.parked.set(partitionKey, list);
  }

  private connectSlots(consumer: TaskSlot, requestId: number, partitionKey: string, subpartition: number, producer: TaskSlot): void {
    if (consumer === producer) {
      consumer.post({ type: 'connect-local', requestId });
      return;
    }
    const { port1, port2 } = new MessageChannel();
    producer.post({ type: 'attach-consumer', partitionKey, subpartition, port: port1 }, [port1]);
    consumer.post({ type: 'connect-channel', requestId, port: port2 }, [port2]);
  }
}
