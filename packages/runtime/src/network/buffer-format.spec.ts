import { encodedEventSize, readEvent, readU32, writeEvent, writeU32, type NetworkEvent } from './buffer-format';
import { CorruptNetworkBufferError } from './network-errors';

describe('buffer format', () => {
  it.each<NetworkEvent>([
    { kind: 'end-of-partition' },
    { kind: 'end-of-data' },
    { kind: 'barrier', checkpointId: 123456789012, timestamp: 1_700_000_000_123, alignedTimeoutMs: 30_000, location: 's3://bucket/checkpoints/j/chk-123456789012' },
    { kind: 'barrier', checkpointId: 7, timestamp: 1, alignedTimeoutMs: -1, location: '/sp/savepoint-7', postCheckpointAction: 'SUSPEND' },
    { kind: 'barrier', checkpointId: 8, timestamp: 1, alignedTimeoutMs: -1, location: '/sp/savepoint-8', postCheckpointAction: 'TERMINATE' },
    { kind: 'latency-marker', markedTime: 5, operatorId: 'ö-operator', subtaskIndex: 4_000_000_000 },
    { kind: 'watermark-status', idle: true },
    { kind: 'watermark-status', idle: false },
  ])('writes and reads %j in exactly encodedEventSize bytes', (event) => {
    const buf = Buffer.alloc(128);
    const end = writeEvent(buf, 3, event);
    expect(end - 3).toBe(encodedEventSize(event));
    expect(readEvent(buf, 3, end)).toEqual({ event, next: end });
  });

  it('writes watermarks as tag + f64', () => {
    const buf = Buffer.alloc(16);
    expect(writeEvent(buf, 0, { kind: 'watermark', timestamp: -5 })).toBe(9);
    expect(buf[0]).toBe(0x10);
    expect(buf.readDoubleLE(1)).toBe(-5);
  });

  it('reads and writes unsigned 32-bit lengths', () => {
    const buf = Buffer.alloc(8);
    writeU32(buf, 2, 0xfedcba98);
    expect(buf.readUInt32LE(2)).toBe(0xfedcba98);
    expect(readU32(buf, 2)).toBe(0xfedcba98);
  });

  it('rejects unknown tags and cut-off events', () => {
    const buf = Buffer.from([0x7f, 0x12, 1, 2]);
    expect(() => readEvent(buf, 0, 4)).toThrow(CorruptNetworkBufferError);
    expect(() => readEvent(buf, 1, 4)).toThrow(/cut off/);
    expect(() => readEvent(Buffer.from([0x14]), 0, 1)).toThrow(/cut off/);
    expect(() => readEvent(Buffer.from([0x14, 2]), 0, 2)).toThrow(/neither 0 nor 1/);
    const barrier = Buffer.alloc(64);
    const end = writeEvent(barrier, 0, { kind: 'barrier', checkpointId: 1, timestamp: 0, alignedTimeoutMs: -1, location: 'l' });
    barrier[end - 1] = 9;
    expect(() => readEvent(barrier, 0, end)).toThrow(/post-checkpoint action 9/);
  });
});
