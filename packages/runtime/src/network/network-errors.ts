import { FlottError } from '@flott/core';

/** One operator call emitted more than `max-overdraft-buffers` allows beyond the per-channel bound. */
export class BufferOverdraftError extends FlottError {
  constructor(partitionId: string, subpartition: number, maxBuffersPerChannel: number, maxOverdraftBuffers: number) {
    super(
      'NETWORK_BUFFER_OVERDRAFT',
      `Result partition ${partitionId} subpartition ${subpartition} needs more than ${maxBuffersPerChannel} queued + ` +
        `${maxOverdraftBuffers} overdraft buffers: one operator call emitted that much while the consumer took nothing ` +
        `(or a single record is that large). Raise 'taskmanager.network.memory.max-overdraft-buffers-per-gate' ` +
        `(or 'taskmanager.network.memory.max-buffers-per-channel' / 'taskmanager.memory.segment-size').`,
      { partitionId, subpartition, maxBuffersPerChannel, maxOverdraftBuffers },
    );
  }
}

/** A consumer requested a result partition that was not registered where it asked within taskmanager.network.partition-request-timeout. */
export class PartitionNotFoundError extends FlottError {
  constructor(partitionKey: string, timeoutMs: number) {
    super('PARTITION_NOT_FOUND', `Result partition ${partitionKey} did not appear within ${timeoutMs} ms (taskmanager.network.partition-request-timeout)`, { partitionKey, timeoutMs });
  }
}

/** Data was written to or read from a partition or gate after release(). */
export class NetworkReleasedError extends FlottError {
  constructor(what: string) {
    super('NETWORK_RELEASED', `${what} was already released`, { what });
  }
}

/** A key the hash partitioner cannot hash stably across processes (functions, symbols, cycles). */
export class UnsupportedKeyError extends FlottError {
  constructor(type: string) {
    super(
      'UNSUPPORTED_KEY',
      `Cannot hash a key of type ${type}: keys must be strings, numbers, bigints, booleans, null, dates, arrays or plain objects of these`,
      { type },
    );
  }
}

/** The bytes of a buffer do not follow the buffer format (a bug or foreign data; never ignored). */
export class CorruptNetworkBufferError extends FlottError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('CORRUPT_NETWORK_BUFFER', message, data);
  }
}

/** Bytes on a data connection between TaskManagers that are not a valid frame (a bug or a foreign peer). */
export class CorruptDataFrameError extends FlottError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('CORRUPT_DATA_FRAME', message, data);
  }
}

/**
 * The data connection to another TaskManager could not be opened, was lost, or the peer reported an
 * error for the whole connection (Flink's RemoteTransportException): the tasks with channels on it fail.
 */
export class RemoteTransportError extends FlottError {
  constructor(peerAddress: string, what: string, options: { cause?: unknown } = {}) {
    super('REMOTE_TRANSPORT', `Data connection to TaskManager ${peerAddress}: ${what}`, { peerAddress }, options);
  }
}
