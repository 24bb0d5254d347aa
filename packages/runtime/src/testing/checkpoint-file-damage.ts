/// <reference types="jest" />
import { crc32 } from 'zlib';
import { CorruptCheckpointError } from '../errors';

// Damaged copies of checkpoint files (docs/checkpoint-format.md), for tests that a reader fails with a
// clear CorruptCheckpointError instead of crashing or restoring wrong state.

/** The first `length` bytes (a file cut short by a crash or a full disk). */
export function truncated(bytes: Uint8Array, length: number): Uint8Array {
  return bytes.slice(0, length);
}

/** A copy with the byte at `offset` inverted. */
export function withFlippedByte(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] ^= 0xff;
  return copy;
}

/** A copy claiming format `version`, its preamble checksum fixed up: what a newer (or older) writer leaves. */
export function withFormatVersion(bytes: Uint8Array, version: number): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  view.setUint16(4, version);
  view.setUint32(16, crc32(copy.subarray(0, 16)));
  return copy;
}

function expectCorrupt(read: () => unknown, file: string, reason: RegExp): void {
  let error: unknown;
  try {
    read();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CorruptCheckpointError);
  const { code, data, message } = error as CorruptCheckpointError;
  expect(code).toBe('CORRUPT_CHECKPOINT');
  expect(data.file).toBe(file);
  expect(message).toContain(`'${file}'`);
  expect(data.reason).toMatch(reason);
}

export interface CheckpointFileDamageCase {
  /** "keyed state file": what the reader reads. */
  readonly description: string;
  /** A valid file of the kind, small enough to damage at every byte. */
  readonly sample: () => Uint8Array;
  /** The reader under test: decodes everything it is given. */
  readonly decode: (bytes: Uint8Array, file: string) => unknown;
  /** A valid file of another kind (to check the reader says what it got instead). */
  readonly otherKind: { readonly description: string; readonly bytes: () => Uint8Array };
  /**
   * Files whose checksums match but whose content a broken writer laid out wrongly, each with (part of)
   * the reason the reader must give.
   */
  readonly malformed?: () => ReadonlyArray<readonly [bytes: Uint8Array, reason: string]>;
}

/**
 * Every way a file can be damaged, each failing with a CorruptCheckpointError that names the file and
 * the problem: truncated at any length, any one byte altered, a foreign file, another kind of
 * checkpoint file, an unknown format version, bytes appended.
 */
export function checkpointFileDamageTests(c: CheckpointFileDamageCase): void {
  describe(`damaged ${c.description}`, () => {
    const file = '/checkpoints/job/chk-7/damaged';

    it('reads the undamaged sample', () => {
      expect(() => c.decode(c.sample(), file)).not.toThrow();
    });

    it('fails on a file cut short at any length', () => {
      const bytes = c.sample();
      for (let length = 0; length < bytes.length; length++) {
        expectCorrupt(() => c.decode(truncated(bytes, length), file), file, /truncated|too short|empty/);
      }
    });

    it('fails on any one altered byte', () => {
      const bytes = c.sample();
      for (let offset = 0; offset < bytes.length; offset++) {
        expectCorrupt(() => c.decode(withFlippedByte(bytes, offset), file), file, /checksum mismatch|header damaged|magic|it is an? /);
      }
    });

    it('fails on a foreign file', () => {
      const foreign = new TextEncoder().encode('{"checkpointId": 7, "operators": []}\n'.repeat(4));
      expectCorrupt(() => c.decode(foreign, file), file, new RegExp(`not a Flott ${c.description} \\(magic '\\{"ch'`));
      expectCorrupt(() => c.decode(new Uint8Array(64), file), file, /magic 0x00000000/);
    });

    it('says which kind of checkpoint file it got instead', () => {
      expectCorrupt(() => c.decode(c.otherKind.bytes(), file), file, new RegExp(`it is an? ${c.otherKind.description}, not an? ${c.description}`));
    });

    it('fails on an unknown format version, saying which it reads', () => {
      expectCorrupt(() => c.decode(withFormatVersion(c.sample(), 99), file), file,
        /unsupported format version 99 .* \(this build reads versions? [0-9, ]+\): it was written by a newer Flott/);
      expectCorrupt(() => c.decode(withFormatVersion(c.sample(), 0), file), file, /unsupported format version 0/);
    });

    it('fails on content a broken writer laid out wrongly, although its checksums match', () => {
      for (const [bytes, reason] of c.malformed?.() ?? []) {
        expectCorrupt(() => c.decode(bytes, file), file, new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      }
    });

    it('fails on bytes appended after the end', () => {
      const bytes = c.sample();
      const longer = new Uint8Array(bytes.length + 3);
      longer.set(bytes);
      expectCorrupt(() => c.decode(longer, file), file, /3 unexpected bytes after the end/);
    });
  });
}
