// The bytes of one state file as a storage receives them (spi/checkpoint-storage.ts StateBytes): one
// array or chunks in order. Storages that keep state in memory collect them under their size bound.

/** The chunks of `data` in order; an array is one chunk. */
export async function* stateChunks(data: Uint8Array | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (data instanceof Uint8Array) yield data;
  else yield* data;
}

/**
 * All bytes of `data` as one array, a copy (the caller may reuse its arrays once this resolves). Stops
 * reading and rejects with `tooLarge(bytesSoFar)` as soon as more than `maxBytes` arrived, so an
 * oversized stream is never held in memory whole.
 */
export async function collectStateBytes(
  data: Uint8Array | AsyncIterable<Uint8Array>,
  maxBytes: number,
  tooLarge: (bytesSoFar: number) => Error,
): Promise<Uint8Array> {
  if (data instanceof Uint8Array) {
    if (data.byteLength > maxBytes) throw tooLarge(data.byteLength);
    return data.slice();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(size);
    chunks.push(chunk.slice());
  }
  return concatChunks(chunks, size);
}

export function concatChunks(chunks: readonly Uint8Array[], size = chunks.reduce((n, c) => n + c.byteLength, 0)): Uint8Array {
  if (chunks.length === 1 && chunks[0].byteLength === size) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
