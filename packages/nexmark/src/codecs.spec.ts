import { auctionCodec, bidCodec, eventCodec, nexmarkSerializers, personCodec } from './codecs';
import { events, nexmarkConfig } from './generator';
import type { Bid, NexmarkEvent } from './model';

const all: NexmarkEvent[] = [...events(nexmarkConfig({ events: 10_000 }))];

/** Encodes with the codec into a fresh buffer, decodes, and checks the byte count against the bound. */
function roundTrip<T>(codec: { maxEncodedLength(v: T): number; write(v: T, t: Buffer, o: number): number; read(s: Buffer, o: number, e: number): T }, v: T): T {
  const max = codec.maxEncodedLength(v);
  const buf = Buffer.alloc(max + 10);
  const end = codec.write(v, buf, 5);
  expect(end - 5).toBeLessThanOrEqual(max);
  return codec.read(buf, 5, end);
}

describe('Nexmark codecs', () => {
  it('decode every generated event to an equal record with the same JSON (field order kept)', () => {
    let kinds = 0;
    for (const e of all) {
      const back = roundTrip(eventCodec, e);
      expect(JSON.stringify(back)).toBe(JSON.stringify(e));
      if (e.type === 'bid') expect(JSON.stringify(roundTrip(bidCodec, e.bid))).toBe(JSON.stringify(e.bid));
      else if (e.type === 'auction') expect(JSON.stringify(roundTrip(auctionCodec, e.auction))).toBe(JSON.stringify(e.auction));
      else expect(JSON.stringify(roundTrip(personCodec, e.person))).toBe(JSON.stringify(e.person));
      kinds |= e.type === 'bid' ? 1 : e.type === 'auction' ? 2 : 4;
    }
    expect(kinds).toBe(7);
  });

  it('keep any number and any string exactly (non-integers, negatives, non-ASCII, empty, long)', () => {
    const odd: Bid = { auction: -1.5, bidder: 2 ** 53 - 1, price: 0.1 + 0.2, channel: 'Zürich ☃ 𝄞', url: '', dateTime: -0, extra: 'x'.repeat(70_000) };
    const back = roundTrip(bidCodec, odd);
    expect(back).toEqual(odd);
    expect(Object.is(back.dateTime, -0)).toBe(true);
  });

  it('copy records as their round trip returns them, sharing no object (records handed over in one thread)', () => {
    const copiers = [bidCodec, auctionCodec, personCodec, eventCodec].map((c) => c.copy);
    expect(copiers.every((c) => c !== undefined)).toBe(true);
    const copier = nexmarkSerializers.event.createCopier?.();
    for (const e of all.slice(0, 500)) {
      const copy = eventCodec.copy?.(e) as NexmarkEvent;
      expect(JSON.stringify(copy)).toBe(JSON.stringify(roundTrip(eventCodec, e)));
      expect(copy).not.toBe(e);
      expect(copier?.(e)).toEqual(copy);
      const inner = (x: NexmarkEvent) => (x.type === 'bid' ? x.bid : x.type === 'auction' ? x.auction : x.person);
      expect(inner(copy)).not.toBe(inner(e));
    }
    const odd: Bid = { auction: -1.5, bidder: 2 ** 53 - 1, price: 0.1 + 0.2, channel: 'Zürich ☃ 𝄞', url: '', dateTime: -0, extra: 'x' };
    expect(Object.is(bidCodec.copy?.(odd).dateTime, -0)).toBe(true);
    expect(bidCodec.copy?.(odd)).toEqual(roundTrip(bidCodec, odd));
  });

  it('reject corrupt bytes with a clear error', () => {
    const e = all.find((x) => x.type === 'bid') as NexmarkEvent;
    const buf = Buffer.alloc(eventCodec.maxEncodedLength(e));
    const end = eventCodec.write(e, buf, 0);
    expect(() => eventCodec.read(buf, 0, end - 1)).toThrow(/Corrupt Nexmark event record: decoding ended at byte \d+, the record ends at \d+/);
    buf[0] = 9;
    expect(() => eventCodec.read(buf, 0, end)).toThrow('Corrupt Nexmark event record: unknown type tag 9');
  });

  it('serialize through the serializer SPI, also when a record does not fit the rest of a buffer', () => {
    const enc = nexmarkSerializers.event.createEncoder();
    const dec = nexmarkSerializers.event.createDecoder();
    const target = Buffer.alloc(64);
    for (const e of all.slice(0, 200)) {
      const end = enc.encodeInto(e, target, 0, target.length);
      // Nexmark records are ~100-500 bytes: they take the overflow path of a 64-byte buffer.
      const bytes = end === -1 ? Buffer.from(enc.overflow()) : target.subarray(0, end);
      expect(dec.decode(bytes, 0, bytes.length)).toEqual(e);
    }
  });
});
