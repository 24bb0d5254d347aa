import { msgpackSerializer } from './msgpack-serializer';

describe('msgpackSerializer', () => {
  it('round trips a sequence through one encoder and one decoder, defining each shape once', () => {
    const s = msgpackSerializer<unknown>();
    const enc = s.createEncoder();
    const dec = s.createDecoder();
    const target = Buffer.alloc(4096);
    const values = [{ a: 1, b: 'x' }, { a: 2, b: 'y' }, 'Grüße 🎉', [1, [2]], null, 3.25, { a: 3, b: 'z' }];
    const ends: number[] = [];
    let pos = 0;
    for (const v of values) {
      pos = enc.encodeInto(v, target, pos, target.length);
      ends.push(pos);
    }
    // The second record of a shape is shorter: its keys travelled with the first one.
    expect(ends[1] - ends[0]).toBeLessThan(ends[0]);
    let start = 0;
    const decoded = ends.map((end) => {
      const v = dec.decode(target, start, end);
      start = end;
      return v;
    });
    expect(decoded).toEqual(values);
  });

  it('hands a record that does not fit to overflow() instead of writing it', () => {
    const enc = msgpackSerializer<string>().createEncoder();
    const target = Buffer.alloc(64, 0xee);
    expect(enc.encodeInto('x'.repeat(100), target, 10, 64)).toBe(-1);
    expect(target.every((b) => b === 0xee)).toBe(true);
    const bytes = Buffer.from(enc.overflow());
    expect(bytes.length).toBe(102); // str8: 0xd9, length byte, 100 bytes
    expect(msgpackSerializer<string>().createDecoder().decode(bytes, 0, bytes.length)).toBe('x'.repeat(100));
  });

  it('decodes binary values as copies, independent of the network buffer', () => {
    const s = msgpackSerializer<{ bin: Uint8Array }>();
    const target = Buffer.alloc(256);
    const end = s.createEncoder().encodeInto({ bin: new Uint8Array([1, 2, 3]) }, target, 0, 256);
    const value = s.createDecoder().decode(target, 0, end);
    target.fill(0);
    expect([...value.bin]).toEqual([1, 2, 3]);
  });
});
