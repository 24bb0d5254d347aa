import { crc32 } from 'zlib';
import { KEYED_STATE_FILE, SectionedFileReader, sectionedFileChunks, writeSectionedFile } from './sectioned-file';

describe('sectioned checkpoint file layout', () => {
  const sections = [
    { id: 3, bytes: Uint8Array.from([1, 2, 3]) },
    { id: 9, bytes: new Uint8Array(0) },
    { id: 70_000, bytes: Uint8Array.from([4]) },
  ];
  const bytes = writeSectionedFile(KEYED_STATE_FILE, [128, 0, 127], sections, 1);
  const view = new DataView(bytes.buffer);

  it('lays out the preamble, header and index as docs/checkpoint-format.md describes (version 1, header first)', () => {
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('FLTK');
    expect(view.getUint16(4)).toBe(1);
    expect(view.getUint16(6)).toBe(0);
    expect(view.getBigUint64(8)).toBe(BigInt(bytes.length));
    expect(view.getUint32(16)).toBe(crc32(bytes.subarray(0, 16)));
    expect([view.getUint32(20), view.getUint32(24), view.getUint32(28), view.getUint32(32)]).toEqual([3, 128, 0, 127]);
    expect(view.getUint32(36)).toBe(3);
    const headerEnd = 40 + 3 * 20 + 4;
    expect(view.getUint32(headerEnd - 4)).toBe(crc32(bytes.subarray(20, headerEnd - 4)));
    const entry = (i: number): number[] => {
      const at = 40 + 20 * i;
      return [view.getUint32(at), Number(view.getBigUint64(at + 4)), view.getUint32(at + 12), view.getUint32(at + 16)];
    };
    expect(entry(0)).toEqual([3, headerEnd, 3, crc32(Uint8Array.from([1, 2, 3]))]);
    expect(entry(1)).toEqual([9, headerEnd + 3, 0, 0]);
    expect(entry(2)).toEqual([70_000, headerEnd + 3, 1, crc32(Uint8Array.from([4]))]);
    expect(bytes.length).toBe(headerEnd + 4);
  });

  it('reads the fields, the index and each section back', () => {
    const reader = SectionedFileReader.open(bytes, 'f', KEYED_STATE_FILE);
    expect(reader.fields).toEqual([128, 0, 127]);
    expect(reader.index.map((e) => e.id)).toEqual([3, 9, 70_000]);
    expect(sections.map((_, i) => [...reader.section(i)])).toEqual([[1, 2, 3], [], [4]]);
  });

  it('reads a file that sits inside a larger buffer', () => {
    const larger = new Uint8Array(bytes.length + 10);
    larger.set(bytes, 7);
    const reader = SectionedFileReader.open(larger.subarray(7, 7 + bytes.length), 'f', KEYED_STATE_FILE);
    expect([...reader.section(2)]).toEqual([4]);
  });

  it('lays out the streamed layout (keyed versions 2 to 4): preamble, sections, footer, trailer', () => {
    const chunks = [...sectionedFileChunks(KEYED_STATE_FILE, [128, 0, 127], sections)];
    const file = Buffer.concat(chunks);
    const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
    expect(chunks.map((c) => c.byteLength)).toEqual([20, 3, 1, 4 + 12 + 4 + 3 * 20 + 20]);
    expect([file.subarray(0, 4).toString('latin1'), v.getUint16(4), v.getUint16(6), v.getBigUint64(8)]).toEqual(['FLTK', 4, 0, 0n]);
    expect(v.getUint32(16)).toBe(crc32(file.subarray(0, 16)));
    const footer = 24;
    expect([...file.subarray(20, footer)]).toEqual([1, 2, 3, 4]);
    expect([v.getUint32(footer), v.getUint32(footer + 4), v.getUint32(footer + 8), v.getUint32(footer + 12), v.getUint32(footer + 16)]).toEqual([3, 128, 0, 127, 3]);
    const entry = (i: number): number[] => {
      const at = footer + 20 + 20 * i;
      return [v.getUint32(at), Number(v.getBigUint64(at + 4)), v.getUint32(at + 12), v.getUint32(at + 16)];
    };
    expect([entry(0), entry(1), entry(2)]).toEqual([[3, 20, 3, crc32(Uint8Array.from([1, 2, 3]))], [9, 23, 0, 0], [70_000, 23, 1, crc32(Uint8Array.from([4]))]]);
    const trailer = file.length - 20;
    expect([Number(v.getBigUint64(trailer)), Number(v.getBigUint64(trailer + 8))]).toEqual([footer, file.length]);
    expect(v.getUint32(trailer + 16)).toBe(crc32(file.subarray(footer, file.length - 4)));
    const reader = SectionedFileReader.open(file, 'f', KEYED_STATE_FILE);
    expect([reader.fields, sections.map((_, i) => [...reader.section(i)])]).toEqual([[128, 0, 127], [[1, 2, 3], [], [4]]]);
    expect(writeSectionedFile(KEYED_STATE_FILE, [128, 0, 127], sections)).toEqual(new Uint8Array(file));
  });
});
