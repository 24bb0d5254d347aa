import type { SimpleVersionedSerializer } from '@flott/core';
import { VersionedCodec, unpackValue } from './split-codec';

/** Keeps what it was asked to read, and writes a split as the bytes of its id. */
class TestingSplitSerializer implements SimpleVersionedSerializer<{ splitId: string }> {
  readonly read: Array<[number, unknown]> = [];
  getVersion(): number {
    return 3;
  }
  serialize(split: { splitId: string }): Uint8Array {
    return new TextEncoder().encode(split.splitId);
  }
  deserialize(version: number, bytes: Uint8Array): { splitId: string } {
    this.read.push([version, version === 0 ? unpackValue(bytes) : new TextDecoder().decode(bytes)]);
    return { splitId: version === 0 ? (unpackValue(bytes) as { splitId: string }).splitId : new TextDecoder().decode(bytes) };
  }
}

describe('VersionedCodec', () => {
  it('stores plain values as they are without a serializer, { v, b } with one', () => {
    expect(new VersionedCodec().encode({ splitId: 'a' })).toEqual({ splitId: 'a' });
    expect(new VersionedCodec().decode({ splitId: 'a' })).toEqual({ splitId: 'a' });
    const serializer = new TestingSplitSerializer();
    const codec = new VersionedCodec(serializer);
    const form = codec.encode({ splitId: 'a' });
    expect(form).toEqual({ v: 3, b: new TextEncoder().encode('a') });
    expect(codec.decode(form)).toEqual({ splitId: 'a' });
    expect(serializer.read).toEqual([[3, 'a']]);
  });

  it('hands a serializer the plain values stored before the source had one as version 0, their msgpack bytes', () => {
    const serializer = new TestingSplitSerializer();
    expect(new VersionedCodec(serializer).decode({ splitId: 'old', offset: 4 })).toEqual({ splitId: 'old' });
    expect(serializer.read).toEqual([[0, { splitId: 'old', offset: 4 }]]);
  });
});
