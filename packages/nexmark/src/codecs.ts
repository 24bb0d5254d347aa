/**
 * Binary codecs of the Nexmark records, for `stream.returns(...)`: numbers as a tag and an int32 or
 * a double (exact for every JS number), strings as a 4-byte UTF-8 length (with an all-ASCII flag)
 * and the bytes. Decoded records have the generator's field order, so they share its hidden
 * classes and print the same JSON.
 */
import { binaryCodecSerializer, type BinaryCodec, type RecordSerializer } from '@flott/api-datastream';
import type { Auction, Bid, NexmarkEvent, Person } from './model';

/** Buffer's own UTF-8 methods (no encoding argument to parse): the fastest string path on Node 20. */
type Utf8Buffer = Buffer & {
  utf8Write(s: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
};

/** Set in a string's length word when all its characters are ASCII: latin1 then reads them fastest. */
const ASCII = 0x80000000;

/** Bytes a string may take: UTF-8 needs at most 3 bytes per UTF-16 unit, plus its length. */
const stringBound = (s: string): number => 4 + 3 * s.length;

/** ASCII strings up to this many bytes are written and read in JavaScript (cheaper than a native call). */
const SHORT_STRING = 12;

/** Writes `s` with its byte length at `offset`; returns the end offset. */
function writeString(s: string, target: Buffer, offset: number): number {
  const len = s.length;
  if (len <= SHORT_STRING) {
    // Short ASCII strings byte by byte: cheaper than a native call.
    let i = 0;
    for (; i < len; i++) {
      const ch = s.charCodeAt(i);
      if (ch >= 0x80) break;
      target[offset + 4 + i] = ch;
    }
    if (i === len) {
      target.writeUInt32LE((len | ASCII) >>> 0, offset);
      return offset + 4 + len;
    }
  }
  const n = (target as Utf8Buffer).utf8Write(s, offset + 4);
  // As many bytes as UTF-16 units: every character took one byte, so all are ASCII.
  target.writeUInt32LE(n === len ? (n | ASCII) >>> 0 : n, offset);
  return offset + 4 + n;
}

const INT32 = 0;
const DOUBLE = 1;
/** Bytes a number may take: a tag, then an int32 or a double. */
const NUMBER_BOUND = 9;

/**
 * Writes a number: small integers as int32, so they decode as small integers (a double would change
 * the representation of the record's fields and make V8 migrate every record's hidden class); others,
 * and -0, as doubles.
 */
function writeNumber(v: number, target: Buffer, offset: number): number {
  if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
    target[offset] = INT32;
    target.writeInt32LE(v, offset + 1);
    return offset + 5;
  }
  target[offset] = DOUBLE;
  target.writeDoubleLE(v, offset + 1);
  return offset + 9;
}

/** Decodes a short ASCII string without a native call. */
function asciiInJs(b: Buffer, start: number, end: number): string {
  const n = end - start;
  const c = String.fromCharCode;
  const i = start;
  // One call per length: concatenating one character at a time past 12 would build cons strings.
  switch (n) {
    case 0: return '';
    case 1: return c(b[i]);
    case 2: return c(b[i], b[i + 1]);
    case 3: return c(b[i], b[i + 1], b[i + 2]);
    case 4: return c(b[i], b[i + 1], b[i + 2], b[i + 3]);
    case 5: return c(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4]);
    case 6: return c(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5]);
    case 7: return c(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6]);
    case 8: return c(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    default: return c(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]) + asciiInJs(b, i + 8, end);
  }
}

/** A read position, reused by one codec's reads (a JavaScript thread runs one read at a time). */
class Reader {
  source!: Buffer;
  pos = 0;

  at(source: Buffer, offset: number): this {
    this.source = source;
    this.pos = offset;
    return this;
  }

  number(): number {
    const source = this.source;
    const pos = this.pos;
    if (source[pos] === INT32) {
      this.pos = pos + 5;
      return source.readInt32LE(pos + 1);
    }
    this.pos = pos + 9;
    return source.readDoubleLE(pos + 1);
  }

  string(): string {
    const word = this.source.readUInt32LE(this.pos);
    const n = word & ~ASCII;
    const start = this.pos + 4;
    const end = start + n;
    this.pos = end;
    if (word === n) return (this.source as Utf8Buffer).utf8Slice(start, end);
    if (n <= SHORT_STRING) return asciiInJs(this.source, start, end);
    return (this.source as Utf8Buffer).latin1Slice(start, end);
  }
}

function writeBid(b: Bid, t: Buffer, offset: number): number {
  let o = writeNumber(b.auction, t, offset);
  o = writeNumber(b.bidder, t, o);
  o = writeNumber(b.price, t, o);
  o = writeNumber(b.dateTime, t, o);
  o = writeString(b.channel, t, o);
  o = writeString(b.url, t, o);
  return writeString(b.extra, t, o);
}

function readBid(r: Reader): Bid {
  const auction = r.number();
  const bidder = r.number();
  const price = r.number();
  const dateTime = r.number();
  const channel = r.string();
  const url = r.string();
  return { auction, bidder, price, channel, url, dateTime, extra: r.string() };
}

const bidBound = (b: Bid): number => 4 * NUMBER_BOUND + stringBound(b.channel) + stringBound(b.url) + stringBound(b.extra);

function writeAuction(a: Auction, t: Buffer, offset: number): number {
  let o = writeNumber(a.id, t, offset);
  o = writeNumber(a.initialBid, t, o);
  o = writeNumber(a.reserve, t, o);
  o = writeNumber(a.dateTime, t, o);
  o = writeNumber(a.expires, t, o);
  o = writeNumber(a.seller, t, o);
  o = writeNumber(a.category, t, o);
  o = writeString(a.itemName, t, o);
  o = writeString(a.description, t, o);
  return writeString(a.extra, t, o);
}

function readAuction(r: Reader): Auction {
  const id = r.number();
  const initialBid = r.number();
  const reserve = r.number();
  const dateTime = r.number();
  const expires = r.number();
  const seller = r.number();
  const category = r.number();
  const itemName = r.string();
  const description = r.string();
  return { id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra: r.string() };
}

const auctionBound = (a: Auction): number => 7 * NUMBER_BOUND + stringBound(a.itemName) + stringBound(a.description) + stringBound(a.extra);

function writePerson(p: Person, t: Buffer, offset: number): number {
  let o = writeNumber(p.id, t, offset);
  o = writeNumber(p.dateTime, t, o);
  o = writeString(p.name, t, o);
  o = writeString(p.emailAddress, t, o);
  o = writeString(p.creditCard, t, o);
  o = writeString(p.city, t, o);
  o = writeString(p.state, t, o);
  return writeString(p.extra, t, o);
}

function readPerson(r: Reader): Person {
  const id = r.number();
  const dateTime = r.number();
  const name = r.string();
  const emailAddress = r.string();
  const creditCard = r.string();
  const city = r.string();
  const state = r.string();
  return { id, name, emailAddress, creditCard, city, state, dateTime, extra: r.string() };
}

const personBound = (p: Person): number =>
  2 * NUMBER_BOUND + stringBound(p.name) + stringBound(p.emailAddress) + stringBound(p.creditCard) + stringBound(p.city) + stringBound(p.state) + stringBound(p.extra);

/** Checks that a read ended exactly where the record did: a mismatch means corrupt bytes or the wrong codec. */
function checkEnd(what: string, r: Reader, end: number): void {
  if (r.pos !== end) throw new Error(`Corrupt ${what} record: decoding ended at byte ${r.pos}, the record ends at ${end}`);
}

/** Copies as `read(write(v))` returns them: the same fields in the same order (strings are shared). */
const copyBid = (b: Bid): Bid => ({
  auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, url: b.url, dateTime: b.dateTime, extra: b.extra,
});
const copyAuction = (a: Auction): Auction => ({
  id: a.id, itemName: a.itemName, description: a.description, initialBid: a.initialBid, reserve: a.reserve,
  dateTime: a.dateTime, expires: a.expires, seller: a.seller, category: a.category, extra: a.extra,
});
const copyPerson = (p: Person): Person => ({
  id: p.id, name: p.name, emailAddress: p.emailAddress, creditCard: p.creditCard, city: p.city, state: p.state, dateTime: p.dateTime, extra: p.extra,
});

function codecOf<T>(
  what: string, bound: (v: T) => number, write: (v: T, t: Buffer, o: number) => number, read: (r: Reader) => T, copy: (v: T) => T,
): BinaryCodec<T> {
  const reader = new Reader();
  return {
    maxEncodedLength: bound,
    write,
    copy,
    read(source, offset, end) {
      const r = reader.at(source, offset);
      const v = read(r);
      checkEnd(what, r, end);
      return v;
    },
  };
}

export const bidCodec: BinaryCodec<Bid> = codecOf('Nexmark bid', bidBound, writeBid, readBid, copyBid);
export const auctionCodec: BinaryCodec<Auction> = codecOf('Nexmark auction', auctionBound, writeAuction, readAuction, copyAuction);
export const personCodec: BinaryCodec<Person> = codecOf('Nexmark person', personBound, writePerson, readPerson, copyPerson);

const PERSON = 0;
const AUCTION = 1;
const BID = 2;

/** An event: one tag byte, then its record. */
export const eventCodec: BinaryCodec<NexmarkEvent> = codecOf<NexmarkEvent>(
  'Nexmark event',
  (e) => 1 + (e.type === 'bid' ? bidBound(e.bid) : e.type === 'auction' ? auctionBound(e.auction) : personBound(e.person)),
  (e, t, o) => {
    if (e.type === 'bid') {
      t[o] = BID;
      return writeBid(e.bid, t, o + 1);
    }
    if (e.type === 'auction') {
      t[o] = AUCTION;
      return writeAuction(e.auction, t, o + 1);
    }
    t[o] = PERSON;
    return writePerson(e.person, t, o + 1);
  },
  (r) => {
    const tag = r.source[r.pos++];
    if (tag === BID) return { type: 'bid', bid: readBid(r) };
    if (tag === AUCTION) return { type: 'auction', auction: readAuction(r) };
    if (tag === PERSON) return { type: 'person', person: readPerson(r) };
    throw new Error(`Corrupt Nexmark event record: unknown type tag ${tag}`);
  },
  (e) => {
    if (e.type === 'bid') return { type: 'bid', bid: copyBid(e.bid) };
    if (e.type === 'auction') return { type: 'auction', auction: copyAuction(e.auction) };
    return { type: 'person', person: copyPerson(e.person) };
  },
);

/** Serializers of the Nexmark records for `stream.returns(...)`, e.g. `.returns(nexmarkSerializers.bid)`. */
export const nexmarkSerializers: {
  readonly event: RecordSerializer<NexmarkEvent>;
  readonly bid: RecordSerializer<Bid>;
  readonly auction: RecordSerializer<Auction>;
  readonly person: RecordSerializer<Person>;
} = Object.freeze({
  event: binaryCodecSerializer(eventCodec),
  bid: binaryCodecSerializer(bidCodec),
  auction: binaryCodecSerializer(auctionCodec),
  person: binaryCodecSerializer(personCodec),
});
