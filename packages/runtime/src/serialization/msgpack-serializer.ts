import { Packr, Unpackr, REUSE_BUFFER_MODE, RESET_BUFFER_MODE } from 'msgpackr';
import { NOT_COPIED, ValueCopier, copyBytes, type RecordDecoder, type RecordEncoder, type RecordSerializer } from '@flott/core';

import { NOT_HANDLED, ShapeDecoder, ShapeEncoder, readSmallRecord, writeSmallRecord, type ReadResult } from './msgpack-primitives';

const EMPTY = new Uint8Array(0);

type ReusedPackOutput = Buffer & { start: number; end: number };

class MsgpackRecordEncoder<T> implements RecordEncoder<T> {
  private readonly packr = new Packr({ sequential: true });
  private readonly shapes = new ShapeEncoder();
  private pending: Uint8Array = EMPTY;

  encodeInto(value: T, target: Buffer, offset: number, limit: number): number {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const flat = this.shapes.write(value, target, offset, limit);
      if (flat !== NOT_HANDLED) return flat;
    } else {
      const small = writeSmallRecord(value, target, offset, limit);
      if (small !== NOT_HANDLED) return small;
    }
    // REUSE returns msgpackr's own (module-wide) scratch buffer with start/end and RESET rewinds it, so
    // packing allocates nothing; the bytes stay valid until the next pack call of any Packr.
    const out = this.packr.pack(value, REUSE_BUFFER_MODE | RESET_BUFFER_MODE) as ReusedPackOutput;
    const start = out.start;
    const end = out.end;
    if (end - start > limit - offset) {
      this.pending = out.subarray(start, end);
      return -1;
    }
    copyBytes(out, start, end, target, offset);
    return offset + (end - start);
  }

  overflow(): Uint8Array {
    const p = this.pending;
    this.pending = EMPTY;
    return p;
  }
}

class MsgpackRecordDecoder<T> implements RecordDecoder<T> {
  // copyBuffers: binary values must not be views of a network buffer that goes back to its producer.
  private readonly unpackr = new Unpackr({ sequential: true, copyBuffers: true });
  private readonly range = { start: 0, end: 0 };

  private readonly small: ReadResult = { value: undefined, end: 0 };
  private readonly shapes = new ShapeDecoder();

  decode(source: Buffer, offset: number, end: number): T {
    const small = this.small;
    if (ShapeDecoder.handles(source, offset)) {
      this.shapes.read(source, offset, end, small);
      const value = small.value as T;
      small.value = undefined;
      return value;
    }
    readSmallRecord(source, offset, end, small);
    if (small.end !== NOT_HANDLED) {
      const value = small.value as T;
      small.value = undefined;
      return value;
    }
    this.range.start = offset;
    this.range.end = end;
    return this.unpackr.unpack(source, this.range) as T;
  }
}

/**
 * Copies records as a channel's msgpack round trip would deliver them: plain arrays, plain objects and
 * primitives by ValueCopier; anything else (Maps, Dates, class instances, typed arrays, large bigints)
 * through an encoder and a decoder of its own, packed and unpacked back to back (so their record
 * structures stay in step, and a value msgpack cannot write fails here as it would on the wire).
 */
function msgpackCopier<T>(): (value: T) => T {
  const copier = new ValueCopier({ anyBigInt: false });
  let encoder: MsgpackRecordEncoder<T> | undefined;
  let decoder: MsgpackRecordDecoder<T> | undefined;
  let scratch = Buffer.allocUnsafe(0);
  return (value) => {
    const copy = copier.copy(value);
    if (copy !== NOT_COPIED) return copy as T;
    encoder ??= new MsgpackRecordEncoder<T>();
    decoder ??= new MsgpackRecordDecoder<T>();
    const end = encoder.encodeInto(value, scratch, 0, scratch.length);
    if (end >= 0) return decoder.decode(scratch, 0, end);
    const bytes = encoder.overflow();
    if (bytes.length <= 64 * 1024) scratch = Buffer.allocUnsafe(Math.max(1024, bytes.length));
    return decoder.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length);
  };
}

/** The default serializer: msgpackr with record structures (a shape's keys travel once per channel). */
export function msgpackSerializer<T>(): RecordSerializer<T> {
  return {
    createEncoder: () => new MsgpackRecordEncoder<T>(),
    createDecoder: () => new MsgpackRecordDecoder<T>(),
    createCopier: () => msgpackCopier<T>(),
  };
}
