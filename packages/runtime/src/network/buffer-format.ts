import type { PostCheckpointAction } from '../snapshot/snapshot-data';
import { CorruptNetworkBufferError } from './network-errors';

/**
 * Network buffer format (all numbers little endian).
 *
 * A buffer is `length` bytes of entries back to back; `length` travels beside the buffer, the rest of
 * the segment is garbage. Every entry starts with a tag byte:
 *
 *   0x01 RECORD            u32 payloadLength, payload
 *   0x02 RECORD_TS         f64 timestamp, u32 payloadLength, payload
 *   0x10 WATERMARK         f64 timestamp
 *   0x11 END_OF_PARTITION
 *   0x12 BARRIER           f64 checkpointId, f64 timestamp, f64 alignedTimeoutMs, u16 locationLength, utf8 location,
 *                          u8 postCheckpointAction (0 none, 1 SUSPEND, 2 TERMINATE)
 *   0x13 LATENCY_MARKER    f64 markedTime, u32 subtaskIndex, u16 idLength, utf8 operatorId
 *   0x14 WATERMARK_STATUS  u8 idle (1) or active (0)
 *   0x15 END_OF_DATA       (Flink's EndOfData: no record follows; barriers and end-of-partition still do)
 *
 * Headers (tag and fixed fields) never cross a buffer boundary: a writer that lacks room for one
 * finishes the buffer early. A record payload may: when payloadLength exceeds the bytes left in the
 * buffer, the payload continues at offset 0 of the channel's next buffer(s), and nothing else is
 * written into a buffer before the spanning payload ends. Payload bytes belong to the channel's
 * RecordSerializer. Records without a timestamp (NO_TIMESTAMP) use the shorter RECORD entry.
 */
export const TAG_RECORD = 0x01;
export const TAG_RECORD_TS = 0x02;
export const TAG_WATERMARK = 0x10;
export const TAG_END_OF_PARTITION = 0x11;
export const TAG_BARRIER = 0x12;
export const TAG_LATENCY_MARKER = 0x13;
export const TAG_WATERMARK_STATUS = 0x14;
export const TAG_END_OF_DATA = 0x15;

export const RECORD_HEADER = 5;
export const RECORD_TS_HEADER = 13;
/** Room a writer wants for a record header plus at least one payload byte. */
export const MIN_RECORD_ROOM = RECORD_TS_HEADER + 1;

/** Network events travel in-band with the records of a channel, flushing the current buffer. */
export type NetworkEvent =
  | { kind: 'watermark'; timestamp: number }
  | { kind: 'end-of-partition' }
  /**
   * Flink's EndOfData: the producer finished its operators and sends no more records or watermarks; the
   * channel stays open for the barriers of the final checkpoint, and end-of-partition follows once it
   * completed (checkpoints after tasks finish). A consumer whose every channel ended its data finishes too.
   */
  | { kind: 'end-of-data' }
  /**
   * A checkpoint barrier with the location its snapshots go to (the storage's pointer: a savepoint's
   * differs) and its alignment (Flink's CheckpointOptions): `alignedTimeoutMs` < 0 always aligns
   * (savepoints, unaligned checkpoints disabled), 0 is unaligned from the start, > 0 aligns until that
   * long after `timestamp` and then switches to unaligned. `postCheckpointAction` marks a
   * stop-with-savepoint's synchronous savepoint (Flink's SavepointType suspend/terminate).
   */
  | { kind: 'barrier'; checkpointId: number; timestamp: number; alignedTimeoutMs: number; location: string; postCheckpointAction?: PostCheckpointAction }
  | { kind: 'latency-marker'; markedTime: number; operatorId: string; subtaskIndex: number }
  /** Flink's WatermarkStatus: an idle channel is left out of the consumer's watermark minimum. */
  | { kind: 'watermark-status'; idle: boolean };

/** Barrier byte of the post-checkpoint action: its index here (0: a checkpoint or plain savepoint). */
const POST_CHECKPOINT_ACTIONS: ReadonlyArray<PostCheckpointAction | undefined> = [undefined, 'SUSPEND', 'TERMINATE'];

export function writeU32(buf: Buffer, pos: number, v: number): void {
  buf[pos] = v;
  buf[pos + 1] = v >>> 8;
  buf[pos + 2] = v >>> 16;
  buf[pos + 3] = v >>> 24;
}

export function readU32(buf: Buffer, pos: number): number {
  return (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16)) + buf[pos + 3] * 0x1000000;
}

export function encodedEventSize(event: NetworkEvent): number {
  switch (event.kind) {
    case 'watermark':
      return 9;
    case 'end-of-partition':
    case 'end-of-data':
      return 1;
    case 'barrier':
      return 28 + Buffer.byteLength(event.location, 'utf8');
    case 'latency-marker':
      return 15 + Buffer.byteLength(event.operatorId, 'utf8');
    case 'watermark-status':
      return 2;
  }
}

/** Writes `event` at `pos` (the caller made sure `encodedEventSize` bytes are free); returns the end. */
export function writeEvent(buf: Buffer, pos: number, event: NetworkEvent): number {
  switch (event.kind) {
    case 'watermark':
      buf[pos] = TAG_WATERMARK;
      buf.writeDoubleLE(event.timestamp, pos + 1);
      return pos + 9;
    case 'end-of-partition':
      buf[pos] = TAG_END_OF_PARTITION;
      return pos + 1;
    case 'end-of-data':
      buf[pos] = TAG_END_OF_DATA;
      return pos + 1;
    case 'barrier': {
      buf[pos] = TAG_BARRIER;
      buf.writeDoubleLE(event.checkpointId, pos + 1);
      buf.writeDoubleLE(event.timestamp, pos + 9);
      buf.writeDoubleLE(event.alignedTimeoutMs, pos + 17);
      const n = buf.write(event.location, pos + 27, 'utf8');
      buf.writeUInt16LE(n, pos + 25);
      buf[pos + 27 + n] = POST_CHECKPOINT_ACTIONS.indexOf(event.postCheckpointAction);
      return pos + 28 + n;
    }
    case 'latency-marker': {
      buf[pos] = TAG_LATENCY_MARKER;
      buf.writeDoubleLE(event.markedTime, pos + 1);
      writeU32(buf, pos + 9, event.subtaskIndex);
      const n = buf.write(event.operatorId, pos + 15, 'utf8');
      buf.writeUInt16LE(n, pos + 13);
      return pos + 15 + n;
    }
    case 'watermark-status':
      buf[pos] = TAG_WATERMARK_STATUS;
      buf[pos + 1] = event.idle ? 1 : 0;
      return pos + 2;
  }
}

/** Reads the non-watermark event whose tag is at `pos`; `end` bounds the buffer. */
export function readEvent(buf: Buffer, pos: number, end: number): { event: NetworkEvent; next: number } {
  const tag = buf[pos];
  const need = (n: number): void => {
    if (pos + n > end) throw new CorruptNetworkBufferError(`Event with tag ${tag} is cut off at the buffer end`, { pos, end });
  };
  switch (tag) {
    case TAG_END_OF_PARTITION:
      return { event: { kind: 'end-of-partition' }, next: pos + 1 };
    case TAG_END_OF_DATA:
      return { event: { kind: 'end-of-data' }, next: pos + 1 };
    case TAG_BARRIER: {
      need(27);
      const n = buf.readUInt16LE(pos + 25);
      need(28 + n);
      const action = buf[pos + 27 + n];
      if (action >= POST_CHECKPOINT_ACTIONS.length) throw new CorruptNetworkBufferError(`Barrier post-checkpoint action ${action} at offset ${pos + 27 + n} is unknown`, { pos });
      const postCheckpointAction = POST_CHECKPOINT_ACTIONS[action];
      return {
        event: {
          kind: 'barrier',
          checkpointId: buf.readDoubleLE(pos + 1),
          timestamp: buf.readDoubleLE(pos + 9),
          alignedTimeoutMs: buf.readDoubleLE(pos + 17),
          location: buf.toString('utf8', pos + 27, pos + 27 + n),
          ...(postCheckpointAction ? { postCheckpointAction } : {}),
        },
        next: pos + 28 + n,
      };
    }
    case TAG_LATENCY_MARKER: {
      need(15);
      const n = buf.readUInt16LE(pos + 13);
      need(15 + n);
      return {
        event: {
          kind: 'latency-marker',
          markedTime: buf.readDoubleLE(pos + 1),
          subtaskIndex: readU32(buf, pos + 9),
          operatorId: buf.toString('utf8', pos + 15, pos + 15 + n),
        },
        next: pos + 15 + n,
      };
    }
    case TAG_WATERMARK_STATUS: {
      need(2);
      const flag = buf[pos + 1];
      if (flag > 1) throw new CorruptNetworkBufferError(`Watermark status byte ${flag} at offset ${pos + 1} is neither 0 nor 1`, { pos });
      return { event: { kind: 'watermark-status', idle: flag === 1 }, next: pos + 2 };
    }
    default:
      throw new CorruptNetworkBufferError(`Unknown entry tag 0x${tag.toString(16)} at offset ${pos}`, { tag, pos });
  }
}
