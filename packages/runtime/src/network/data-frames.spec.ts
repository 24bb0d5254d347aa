import { FlottError } from '@flott/core';
import {
  CONNECTION_ERROR,
  encodeAddCredit,
  encodeBufferFrame,
  encodeCancelPartitionRequest,
  encodeCloseRequest,
  encodeErrorResponse,
  encodePartitionRequest,
  FrameDecoder,
  MAX_CONTROL_FRAME_BYTES,
  maxFrameBytes,
  type DataFrame,
} from './data-frames';
import { CorruptDataFrameError } from './network-errors';

/** Decodes and copies each frame out (a Buffer frame's data is a view, valid only in the callback). */
function decodeAll(decoder: FrameDecoder, chunks: Buffer[]): DataFrame[] {
  const out: DataFrame[] = [];
  for (const c of chunks) decoder.push(c, (f) => out.push(f.type === 2 ? { ...f, data: Uint8Array.from(f.data) } : f));
  return out;
}

describe('data frames', () => {
  const payload = new ArrayBuffer(100);
  new Uint8Array(payload).forEach((_, i, a) => (a[i] = i));
  const error = new FlottError('PARTITION_NOT_FOUND', 'Result partition p@a did not appear', { partitionKey: 'p@a' }).toJSON();
  const frames = [
    encodePartitionRequest(7, 'ds_1@attempt-é', 3, 34),
    encodeBufferFrame(7, 3, payload, 60),
    encodeAddCredit(7, 5),
    encodeCancelPartitionRequest(7),
    encodeErrorResponse(7, error),
    encodeErrorResponse(CONNECTION_ERROR, error),
    encodeCloseRequest(),
  ];
  const expected: DataFrame[] = [
    { type: 1, receiverId: 7, partitionKey: 'ds_1@attempt-é', subpartition: 3, initialCredit: 34 },
    { type: 2, receiverId: 7, flags: 3, data: Uint8Array.from({ length: 60 }, (_, i) => i) },
    { type: 3, receiverId: 7, credits: 5 },
    { type: 4, receiverId: 7 },
    { type: 6, receiverId: 7, error },
    { type: 6, receiverId: CONNECTION_ERROR, error },
    { type: 5 },
  ];

  it('round trips every frame type, in one chunk', () => {
    expect(decodeAll(new FrameDecoder(maxFrameBytes(4096)), [Buffer.concat(frames)])).toEqual(expected);
  });

  it('round trips a stream split at every byte boundary and one byte at a time', () => {
    const stream = Buffer.concat(frames);
    for (let cut = 1; cut < stream.length; cut++) {
      expect(decodeAll(new FrameDecoder(maxFrameBytes(4096)), [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(decodeAll(new FrameDecoder(maxFrameBytes(4096)), bytes)).toEqual(expected);
  });

  it('copies the buffer bytes, so the source can go back to the producer at once', () => {
    const source = new ArrayBuffer(8);
    new Uint8Array(source).set([9, 8, 7]);
    const frame = encodeBufferFrame(1, 0, source, 3);
    new Uint8Array(source).fill(0);
    expect(decodeAll(new FrameDecoder(maxFrameBytes(256)), [frame])).toEqual([{ type: 2, receiverId: 1, flags: 0, data: Uint8Array.from([9, 8, 7]) }]);
  });

  it('refuses a frame longer than a full buffer with its header, before it is buffered', () => {
    const decoder = new FrameDecoder(maxFrameBytes(MAX_CONTROL_FRAME_BYTES));
    const big = encodeBufferFrame(1, 0, new ArrayBuffer(MAX_CONTROL_FRAME_BYTES + 1), MAX_CONTROL_FRAME_BYTES + 1);
    expect(() => decoder.push(big.subarray(0, 8), () => undefined)).toThrow(CorruptDataFrameError);
    expect(() => decoder.push(big.subarray(0, 8), () => undefined)).toThrow(`Data frame of ${MAX_CONTROL_FRAME_BYTES + 7} bytes is outside 1..${MAX_CONTROL_FRAME_BYTES + 6} bytes`);
  });

  it('refuses unknown frame types, short frames and an ErrorResponse that is not JSON', () => {
    const unknown = Buffer.from([0, 0, 0, 1, 99]);
    expect(() => new FrameDecoder(1024).push(unknown, () => undefined)).toThrow('Unknown data frame type 99');
    const short = Buffer.from([0, 0, 0, 3, 3, 0, 0]);
    expect(() => new FrameDecoder(1024).push(short, () => undefined)).toThrow('Data frame of type 3 has 2 bytes, needs at least 8');
    const notJson = Buffer.from([0, 0, 0, 7, 6, 0, 0, 0, 1, 0x7b, 0x7b]);
    expect(() => new FrameDecoder(1024).push(notJson, () => undefined)).toThrow('ErrorResponse frame does not hold JSON');
  });

  it('cuts an error too long for a control frame to its code and the start of its message', () => {
    const long = new FlottError('TASK_FAILED', 'x'.repeat(200_000), { task: 't' }).toJSON();
    const frame = encodeErrorResponse(1, long);
    expect(frame.length).toBeLessThanOrEqual(MAX_CONTROL_FRAME_BYTES);
    const [decoded] = decodeAll(new FrameDecoder(maxFrameBytes(256)), [frame]);
    expect(decoded).toEqual({ type: 6, receiverId: 1, error: { code: 'TASK_FAILED', name: long.name, message: 'x'.repeat((MAX_CONTROL_FRAME_BYTES - 16) / 8), data: { task: 't' } } });
  });
});
