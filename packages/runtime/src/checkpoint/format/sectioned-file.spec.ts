import { crc32 } from 'zlib';
import { KEYED_STATE_FILE, SectionedFileReader, writeSectionedFile } from './sectioned-file';

describe('sectioned checkpoint file layout', () => {
  const sections = [
    { id: 3, bytes: Uint8Array.from([1, 2, 3]) },
    { id: 9, bytes: new Uint8Array(0) },
    { id: 70_000, bytes: Uint8Array.from([4]) },
  ];
  const bytes = writeSectionedFile(KEYED_STATE_FILE, [128, 0, 127], sections);
  const view = new DataView(bytes.buffer);

  it('lays out the preamble, header and index as docs/checkpoint-format.md describes', () => {
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
});
