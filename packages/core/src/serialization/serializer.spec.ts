import { binaryCodecSerializer, type BinaryCodec } from './serializer';

describe('binaryCodecSerializer', () => {
  interface Point { x: number; label: string }
  const codec: BinaryCodec<Point> = {
    maxEncodedLength: (p) => 12 + p.label.length * 3,
    write(p, target, offset) {
      target.writeDoubleLE(p.x, offset);
      const n = target.write(p.label, offset + 12, 'utf8');
      target.writeUInt32LE(n, offset + 8);
      return offset + 12 + n;
    },
    read(source, offset) {
      const n = source.readUInt32LE(offset + 8);
      return { x: source.readDoubleLE(offset), label: source.toString('utf8', offset + 12, offset + 12 + n) };
    },
  };

  it('writes in place, through scratch when the bound is loose, and overflows when it does not fit', () => {
    const s = binaryCodecSerializer(codec);
    const enc = s.createEncoder();
    const dec = s.createDecoder();
    const target = Buffer.alloc(40);
    const end = enc.encodeInto({ x: 1.5, label: 'ab' }, target, 0, 40);
    expect(end).toBe(14);
    expect(dec.decode(target, 0, end)).toEqual({ x: 1.5, label: 'ab' });
    // Bound 12 + 30 > 26 free bytes, but the real 22 bytes fit: copied from scratch.
    const end2 = enc.encodeInto({ x: 2, label: 'abcdefghij' }, target, end, 40);
    expect(end2).toBe(36);
    expect(dec.decode(target, end, end2)).toEqual({ x: 2, label: 'abcdefghij' });
    expect(enc.encodeInto({ x: 3, label: 'é'.repeat(20) }, target, 0, 40)).toBe(-1);
    const bytes = Buffer.from(enc.overflow());
    expect(dec.decode(bytes, 0, bytes.length)).toEqual({ x: 3, label: 'é'.repeat(20) });
  });
});
