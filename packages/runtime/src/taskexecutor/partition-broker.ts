import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { FlottError, serializeError, type Configuration } from '@flott/core';
import { NetworkOptions, TaskManagerOptions } from '../config/options';
import type { Logger } from '../logging/logger';
import { internalSecurityOf } from '../security/internal-security';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataServer, FileSubpartitionReader, PartitionNotFoundError, producerEndpointFromPort, portProducer, WaitingPartitionRequests, type AttachedProducer, type RemotePartitionProvider } from '../network';
import type { Scheduler } from '../time/clock';
import type { FromSlot } from './slot-protocol';
import type { TaskSlot } from './slot-thread';

export { PartitionNotFoundError };

/** Where a registered partition is written: its slot, job and producing attempt. */
interface PartitionLocation {
  readonly slot: TaskSlot;
  readonly jobId: string;
  readonly attemptId?: string;
  /** A BLOCKING partition: its files once the producer finished (then the TaskExecutor serves it, whatever becomes of the slot). */
  readonly blocking?: { files?: readonly string[]; readonly readers: Set<FileSubpartitionReader> };
}

/** A BLOCKING partition was released (its producer restarts, or the job ended) while a consumer waited for it or read it. */
export class PartitionReleasedError extends FlottError {
  constructor(partitionKey: string) {
    super('PARTITION_RELEASED', `Result partition ${partitionKey} was released`, { partitionKey });
  }
}

/**
 * A TaskExecutor's side of data exchange (Flink's ShuffleEnvironment with its partition manager): knows
 * which slot writes which result partition, connects consumer slots to producer slots of this
 * TaskManager through a MessageChannel, and through its data server serves its partitions to consumers
 * on other TaskManagers (those its slot threads do not serve themselves: docs/network.md); its slots
 * request remote partitions over their own connections. A request for a
 * partition not registered yet waits for it, at most taskmanager.network.partition-request-timeout.
 * Main event loop only.
 */
export class PartitionBroker implements RemotePartitionProvider {
  private readonly locations = new Map<string, PartitionLocation>();
  private readonly waiting: WaitingPartitionRequests<PartitionLocation>;
  private data: DataServer | undefined;

  constructor(
    private readonly resourceId: string,
    private readonly configuration: Configuration,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
  ) {
    this.waiting = new WaitingPartitionRequests(scheduler, configuration.get(NetworkOptions.PARTITION_REQUEST_TIMEOUT));
  }

  /** Starts the data server; resolves with the `host:port` other TaskManagers reach it at. */
  async start(): Promise<string> {
    const config = this.configuration;
    this.data = await DataServer.start({
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

  /** Connections the data server accepted and holds open (for tests and metrics). */
  get connectionCount(): number {
    return this.data?.connectionCount ?? 0;
  }

  partitionRegistered(slot: TaskSlot, msg: Extract<FromSlot, { type: 'partition-registered' }>): void {
    const location: PartitionLocation = {
      slot, jobId: msg.jobId, ...(msg.attemptId ? { attemptId: msg.attemptId } : {}), ...(msg.blocking ? { blocking: { readers: new Set() } } : {}),
    };
    this.locations.set(msg.partitionKey, location);
    if (!location.blocking) this.waiting.arrived(msg.partitionKey, location);
    // Requests for a BLOCKING partition wait for its producer to finish, however long it runs.
    else this.waiting.untime(msg.partitionKey);
  }

  /** A BLOCKING partition's producer finished: its files are served from now on, until released. */
  partitionFinished(msg: Extract<FromSlot, { type: 'partition-finished' }>): void {
    const location = this.locations.get(msg.partitionKey);
    if (!location?.blocking) {
      // Released meanwhile (the producer was replaced): the files are garbage.
      for (const f of msg.files) rmSync(f, { force: true });
      return;
    }
    location.blocking.files = msg.files;
    this.waiting.arrived(msg.partitionKey, location);
  }

  /**
   * A consumer slot asks for a channel from a slot of this TaskManager (a producer on another one it
   * requests over its own connection: docs/network.md).
   */
  requestFromSlot(consumer: TaskSlot, msg: Extract<FromSlot, { type: 'request-partition' }>): void {
    this.whenRegistered(
      msg.partitionKey,
      (producer) => {
        if (!producer.blocking) return this.connectSlots(consumer, msg.requestId, msg.partitionKey, msg.subpartition, producer.slot);
        const { port1, port2 } = new MessageChannel();
        this.serveFile(producer, msg.subpartition, port1, (error) => {
          if (msg.attemptId) consumer.post({ type: 'fail-task', attemptId: msg.attemptId, error: serializeError(error) });
        }).then(
          () => consumer.post({ type: 'connect-channel', requestId: msg.requestId, port: port2 }, [port2]),
          (error: unknown) => {
            port2.close();
            consumer.post({ type: 'connect-failed', requestId: msg.requestId, error: serializeError(error) });
          },
        );
      },
      (error) => consumer.post({ type: 'connect-failed', requestId: msg.requestId, error: serializeError(error) }),
    );
  }

  /**
   * Starts a reader of a finished BLOCKING partition's subpartition file on `port` (the producer end of
   * a channel); each request reads the file from its start, so a restarted consumer gets it all again.
   */
  private async serveFile(location: PartitionLocation, subpartition: number, port: MessagePort, onError: (error: Error) => void): Promise<void> {
    const blocking = location.blocking!;
    const file = blocking.files?.[subpartition];
    if (file === undefined) throw new FlottError('NO_SUCH_SUBPARTITION', `No subpartition ${subpartition} in the BLOCKING partition of attempt ${location.attemptId ?? '?'}`, { subpartition });
    const segmentSize = this.configuration.get(NetworkOptions.SEGMENT_SIZE);
    const reader = await FileSubpartitionReader.start(file, producerEndpointFromPort(port), segmentSize, (error) => {
      blocking.readers.delete(reader);
      this.log.warn({ err: error, file }, `Reading BLOCKING partition file ${file} failed.`);
      onError(error);
    });
    blocking.readers.add(reader);
  }

  /** A consumer on another TaskManager asks for a subpartition (RemotePartitionProvider). */
  requestPartition(partitionKey: string, subpartition: number): Promise<AttachedProducer> {
    return new Promise((resolve, reject) => {
      this.whenRegistered(partitionKey, (producer) => {
        const { port1, port2 } = new MessageChannel();
        if (producer.blocking) {
          // Nobody to fail on a read error: the closed channel ends the remote consumer's request.
          this.serveFile(producer, subpartition, port1, () => undefined).then(() => resolve(portProducer(port2, () => undefined)), reject);
          return;
        }
        producer.slot.post({ type: 'attach-consumer', partitionKey, subpartition, port: port1 }, [port1]);
        resolve(portProducer(port2, (error) => {
          if (producer.attemptId) producer.slot.post({ type: 'fail-task', attemptId: producer.attemptId, error: serializeError(error) });
        }));
      }, reject);
    });
  }

  /**
   * Forgets the partitions `slot` wrote (for `jobId` only, when given): the slot was freed or died.
   * Finished BLOCKING partitions stay: their files are the TaskExecutor's, released with the job.
   */
  forgetSlot(slot: TaskSlot, jobId?: string): void {
    for (const [key, loc] of this.locations) {
      if (loc.slot === slot && (jobId === undefined || loc.jobId === jobId) && !loc.blocking?.files) this.forget(key, loc);
    }
  }

  /** Forgets `partitionKey` (deleting a finished BLOCKING partition's files) and returns the slot that wrote it (to release it there). */
  release(partitionKey: string): TaskSlot | undefined {
    const loc = this.locations.get(partitionKey);
    if (loc) this.forget(partitionKey, loc);
    return loc?.slot;
  }

  /** The job has no slot here any more: its BLOCKING partitions' files and directory go. */
  releaseJob(jobId: string, shuffleDirectories: readonly string[]): void {
    for (const [key, loc] of this.locations) if (loc.jobId === jobId) this.forget(key, loc);
    for (const dir of shuffleDirectories) rmSync(join(dir, jobId), { recursive: true, force: true });
  }

  private forget(partitionKey: string, loc: PartitionLocation): void {
    this.locations.delete(partitionKey);
    if (!loc.blocking) return;
    for (const r of loc.blocking.readers) r.close();
    loc.blocking.readers.clear();
    for (const f of loc.blocking.files ?? []) rmSync(f, { force: true });
    this.waiting.fail(partitionKey, new PartitionReleasedError(partitionKey));
  }

  async close(): Promise<void> {
    this.waiting.close();
    for (const loc of this.locations.values()) for (const r of loc.blocking?.readers ?? []) r.close();
    await this.data?.close();
  }

  private whenRegistered(partitionKey: string, connect: (producer: PartitionLocation) => void, fail: (error: Error) => void): void {
    const producer = this.locations.get(partitionKey);
    // Registered BLOCKING, producer still running: wait for it to finish, however long.
    if (producer?.blocking && producer.blocking.files === undefined) this.waiting.wait(partitionKey, connect, fail, true);
    else if (producer) connect(producer);
    else this.waiting.wait(partitionKey, connect, fail);
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
