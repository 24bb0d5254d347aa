import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Packr, Unpackr } from 'msgpackr';
import { msgpackSerializer } from './msgpack-serializer';
import { NOT_HANDLED, ShapeDecoder, ShapeEncoder, readSmallRecord, writeSmallRecord, type ReadResult } from './msgpack-primitives';

/** What msgpackr itself makes of a value (the reference: the fast paths must deliver the same). */
const reference = (v: unknown): unknown => new Unpackr({ sequential: true }).unpack(new Packr({ sequential: true }).pack(v));

/** `all` written by one encoder and read back by one decoder, in order, as a channel carries them. */
function throughOneChannel(all: readonly unknown[]): unknown[] {
  const s = msgpackSerializer<unknown>();
  const enc = s.createEncoder();
  const dec = s.createDecoder();
  const target = Buffer.alloc(1024 * 1024);
  let pos = 0;
  return all
    .map((v) => [pos, (pos = enc.encodeInto(v, target, pos, target.length))])
    .map(([start, end]) => dec.decode(target, start, end));
}

function values(): unknown[] {
  const out: unknown[] = [0, 1, 127, 128, 255, 256, -1, -32, -33, -128, -129, 65535, -32768, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32, 2 ** 53 - 1,
    -(2 ** 53), 0.5, -1.25, 1e-300, 1e300, NaN, Infinity, -Infinity, -0, true, false, null, '', 'a', 'w42', 'x'.repeat(31), 'x'.repeat(32),
    'Grüße', '日本', '😀', [], ['w1', 1], [1, 2, 3], [null, true, 'x', -0.5], Array.from({ length: 15 }, (_, i) => i), Array.from({ length: 16 }, (_, i) => i),
    [[1]], [{ a: 1 }], ['é'], [1, , 3], [undefined], undefined, { a: 1 }, 10n];
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 300; i++) {
    const r = rand();
    if (r < 0.3) out.push(Math.floor((rand() - 0.5) * 2 ** (1 + Math.floor(rand() * 52))));
    else if (r < 0.5) out.push((rand() - 0.5) * 1e6);
    else if (r < 0.8) out.push(Array.from({ length: Math.floor(rand() * 40) }, () => String.fromCharCode(32 + Math.floor(rand() * 95))).join(''));
    else out.push(['k' + Math.floor(rand() * 1000), Math.floor(rand() * 1e6)]);
  }
  return out;
}

describe('msgpack fast paths for small records', () => {
  it('write standard msgpack: msgpackr reads what they write as the value msgpackr itself would deliver', () => {
    const target = Buffer.alloc(1024);
    let handled = 0;
    for (const v of values()) {
      const end = writeSmallRecord(v, target, 3, target.length);
      if (end === NOT_HANDLED) continue;
      handled++;
      expect(new Unpackr({ sequential: true }).unpack(target.subarray(3, end))).toEqual(reference(v));
    }
    expect(handled).toBeGreaterThan(250);
  });

  it('read what msgpackr writes of such values, and leave the rest to it', () => {
    const out: ReadResult = { value: undefined, end: 0 };
    let handled = 0;
    for (const v of values()) {
      if (typeof v === 'bigint') continue;
      const bytes = Buffer.from(new Packr({ sequential: true }).pack(v));
      readSmallRecord(bytes, 0, bytes.length, out);
      if (out.end === NOT_HANDLED) continue;
      handled++;
      expect(out.value).toEqual(reference(v));
    }
    expect(handled).toBeGreaterThan(200);
    // A truncated or over-long range is not read here.
    const bytes = Buffer.from(new Packr().pack(['w1', 1]));
    readSmallRecord(bytes, 0, bytes.length - 1, out);
    expect(out.end).toBe(NOT_HANDLED);
    readSmallRecord(Buffer.concat([bytes, Buffer.from([1])]), 0, bytes.length + 1, out);
    expect(out.end).toBe(NOT_HANDLED);
  });

  it('through the serializer, every value arrives as msgpackr delivers it, mixed with the records msgpackr writes, in one channel', () => {
    const all = [...values(), { a: 1, b: 'x' }, { a: 2, b: 'y' }, [{ a: 3, b: 'z' }], { a: 4, b: 'w' }].filter((v) => typeof v !== 'bigint');
    const decoded = throughOneChannel(all);
    expect(decoded).toEqual(all.map(reference));
    expect(Object.is(decoded[all.indexOf(-0)], 0)).toBe(true);
  });

  it('tells numbers from msgpackr\'s record references (0x40-0x7f), also inside arrays: objects stay objects', () => {
    const all: unknown[] = [];
    for (let i = 0; i < 3; i++) all.push({}, [{}], [{ a: 1 }, 5], { a: 1 }, [{ a: 2 }, 'x', 7], [64, 100, 127, 0x3f], 64, 127, [{}, {}]);
    expect(throughOneChannel(all)).toEqual(all);
  });

  it('interns repeated short strings and tells colliding ones apart', () => {
    const out: ReadResult = { value: undefined, end: 0 };
    const read = (s: string): unknown => {
      const bytes = Buffer.from(new Packr().pack(s));
      readSmallRecord(bytes, 0, bytes.length, out);
      return out.value;
    };
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i}`);
    for (const w of words) expect(read(w)).toBe(w);
    for (const w of words.slice(0, 100)) expect(read(w)).toBe(w);
    expect(read('')).toBe('');
  });
});

describe('flat objects written by shape', () => {
  const symbol = Symbol('s');
  const flat = (): Array<Record<string | symbol, unknown>> => [
    { id: 1, value: 2, tag: 'a' },
    { id: 2, value: 3, tag: 'b' },
    { tag: 'c', id: 3, value: 4 },
    { id: 4, value: -0, tag: 'd', gone: undefined, none: null, yes: true, f: 0.5, big: 2 ** 40, neg: -70000 },
    { 2: 'two', 1: 'one', name: 'n' },
    { id: 5, [symbol]: 'dropped as msgpack drops it' },
    {},
    { id: 6, value: 7, tag: 'a' },
    { id: 7, text: 'x'.repeat(32), url: 'https://www.nexmark.com/rzklt/tsrag/pteid/item.htm?query=1&channel_id=7258' },
    { id: 8, text: 'Grüße', emoji: '😀', long: 'y'.repeat(300), longer: 'é'.repeat(200) },
  ];
  const others = (): unknown[] => [
    { id: 1, huge: 'z'.repeat(70_000) },
    { id: 1, nested: { a: 1 } },
    { id: 1, list: [1, 2] },
    { id: 1, big: 10n },
    JSON.parse('{"a": 1, "__proto__": {"x": 1}}') as unknown,
    Object.assign(Object.create(null) as object, { a: 1 }),
    new (class Point {
      x = 1;
    })(),
    { ['k'.repeat(32)]: 1 },
    { ключ: 1 },
    Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
  ];

  it('arrive as msgpackr delivers them, mixed with what msgpackr writes, and each shape is defined once', () => {
    const all: unknown[] = [];
    for (let round = 0; round < 3; round++) all.push(...flat(), ...others(), 5, ['w', 1]);
    const decoded = throughOneChannel(all);
    expect(decoded).toEqual(all.map(reference));
    for (const v of decoded as Array<Record<string | symbol, unknown>>) if (typeof v === 'object' && v !== null) expect(Object.getOwnPropertySymbols(v)).toEqual([]);
    expect(Object.is((decoded[3] as { value: number }).value, 0)).toBe(true);
    expect(Object.keys(decoded[2] as object)).toEqual(['tag', 'id', 'value']);
    const encoder = new ShapeEncoder();
    const target = Buffer.alloc(256);
    const first = encoder.write({ id: 1, value: 2, tag: 'a' }, target, 0, target.length);
    const second = encoder.write({ id: 2, value: 3, tag: 'b' }, target, first, target.length);
    expect(second - first).toBe(2 + 1 + 1 + 2);
    // Twice: keys that make no shape are remembered, and still refused.
    for (let round = 0; round < 2; round++) for (const v of others()) expect(encoder.write(v as object, target, 0, target.length)).toBe(NOT_HANDLED);
    // A remembered refusal does not stop a shape from being defined and used afterwards.
    const third = encoder.write({ id: 3, value: 4, tag: 'c' }, target, 0, target.length);
    expect(third).toBe(2 + 1 + 1 + 2);
  });

  it('write strings longer than a fixstr as str8 and str16 (Node\'s UTF-8: a lone surrogate arrives as U+FFFD), and leave longer ones to msgpackr', () => {
    const encoder = new ShapeEncoder();
    const target = Buffer.alloc(200_000);
    const sized = { a: 'x'.repeat(32), b: 'é'.repeat(127), c: 'y'.repeat(256), d: 'a\ud800b' };
    const end = encoder.write(sized, target, 0, target.length);
    // Shape definition (2 + 2 + 4 keys of 2 bytes), then str8 (2 + 32), str8 (2 + 254), str16 (3 + 256), str8 (2 + 5).
    expect(end).toBe(4 + 4 * 2 + (2 + 32) + (2 + 254) + (3 + 256) + (2 + 5));
    const out: ReadResult = { value: undefined, end: 0 };
    new ShapeDecoder().read(target, 0, end, out);
    expect(out.value).toEqual({ ...sized, d: 'a\ufffdb' });
    expect(new Unpackr({ sequential: true }).unpack(target.subarray(4 + 4 * 2, 4 + 4 * 2 + 2 + 32))).toBe(sized.a);
    // Room for the header but not the bytes: nothing of it counts.
    expect(writeSmallRecord('z'.repeat(300), target, 0, 250)).toBe(NOT_HANDLED);
    expect(writeSmallRecord('z'.repeat(0x10000), target, 0, target.length)).toBe(NOT_HANDLED);
    const small = writeSmallRecord('z'.repeat(0xffff), target, 0, target.length);
    expect(small).toBe(3 + 0xffff);
    readSmallRecord(target, 0, small, out);
    expect(out.value).toBe('z'.repeat(0xffff));
  });

  it('define at most 255 shapes per channel; objects of further shapes go to msgpackr, and a shape that did not fit is defined later', () => {
    const all = Array.from({ length: 300 }, (_, i) => ({ [`k${i}`]: i, tag: 'x' }));
    expect(throughOneChannel([...all, ...all])).toEqual([...all, ...all]);
    const encoder = new ShapeEncoder();
    const decoder = new ShapeDecoder();
    const target = Buffer.alloc(64);
    const value = { identifier: 1, description: 'abc' };
    // Room for the values but not for the definition in front of them: nothing is written or defined.
    expect(encoder.write(value, target, 0, 14)).toBe(NOT_HANDLED);
    const end = encoder.write(value, target, 0, target.length);
    const out: ReadResult = { value: undefined, end: 0 };
    decoder.read(target, 0, end, out);
    expect(out.value).toEqual(value);
    expect(out.end).toBe(end);
  });

  it('are built key by key where the runtime forbids code from strings (the built packages, in a node of their own)', () => {
    const dist = (pkg: string, file: string) => JSON.stringify(path.join(__dirname, '../../..', pkg, 'dist', file));
    const script = `
      const { ValueCopier } = require(${dist('core', 'index.js')});
      const { msgpackSerializer } = require(${dist('runtime', 'internal.js')});
      const s = msgpackSerializer(), enc = s.createEncoder(), dec = s.createDecoder(), buf = Buffer.alloc(256);
      const out = [];
      let pos = 0;
      for (const v of [{ id: 1, tag: 'a' }, { id: 2, tag: 'b' }, { x: undefined, y: null }]) {
        const end = enc.encodeInto(v, buf, pos, buf.length);
        out.push(dec.decode(buf, pos, end), new ValueCopier().copy(v));
        pos = end;
      }
      let refused = false;
      try { new Function('return 1'); } catch { refused = true; }
      process.stdout.write(JSON.stringify({ refused, out: out.map((o) => Object.entries(o)) }));`;
    const r = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const { refused, out } = JSON.parse(r.stdout) as { refused: boolean; out: unknown[] };
    expect(refused).toBe(true);
    const entries = (v: object) => JSON.parse(JSON.stringify(Object.entries(v))) as unknown;
    expect(out).toEqual([{ id: 1, tag: 'a' }, { id: 1, tag: 'a' }, { id: 2, tag: 'b' }, { id: 2, tag: 'b' }, { x: undefined, y: null }, { x: undefined, y: null }].map(entries));
  });

  it('reject bytes that are no shape record with a clear error', () => {
    const out: ReadResult = { value: undefined, end: 0 };
    expect(() => new ShapeDecoder().read(Buffer.from([0xc1, 7, 1]), 0, 3, out)).toThrow(/shape 7, which its channel never defined/);
    const proto = Buffer.concat([Buffer.from([0xc1, 0, 1, 1, 0xa9]), Buffer.from('__proto__'), Buffer.from([1])]);
    expect(() => new ShapeDecoder().read(proto, 0, proto.length, out)).toThrow(/shape 1 has an invalid key 0/);
    const encoder = new ShapeEncoder();
    const target = Buffer.alloc(64);
    const end = encoder.write({ a: 1, b: 'x' }, target, 0, target.length);
    expect(() => new ShapeDecoder().read(target, 0, end - 1, out)).toThrow(/corrupt record/);
    expect(() => new ShapeDecoder().read(target, 0, end + 1, out)).toThrow(/ends at/);
  });
});
