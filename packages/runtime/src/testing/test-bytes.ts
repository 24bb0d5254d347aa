// Bytes for storage tests: a pattern that differs by seed, the same bytes as chunks, and comparison.

/** `length` bytes 0, 31, 62... offset by `seed`, so two writes with different seeds never hold the same bytes. */
export function testBytes(length: number, seed: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 31 + seed) & 0xff;
  return data;
}

/** `data` as a stream of fresh chunks of `chunkSize` bytes (the last shorter). */
export async function* chunksOf(data: Uint8Array, chunkSize: number): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < data.byteLength; offset += chunkSize) yield data.slice(offset, offset + chunkSize);
}

/**
 * `data` as chunks of `chunkSize` bytes all in one array, overwritten for the next chunk (and with
 * other bytes once the stream ends), as a keyed snapshot reuses its chunk: a storage that kept a
 * chunk instead of copying it ends up with wrong bytes.
 */
export async function* chunksInOneArray(data: Uint8Array, chunkSize: number): AsyncIterable<Uint8Array> {
  const chunk = new Uint8Array(chunkSize);
  for (let offset = 0; offset < data.byteLength; offset += chunkSize) {
    const part = data.subarray(offset, offset + chunkSize);
    chunk.set(part);
    yield chunk.subarray(0, part.byteLength);
    chunk.fill(0xee);
  }
}

/** Whether `a` holds exactly the bytes of `b` (false for undefined). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
