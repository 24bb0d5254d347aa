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
    return copyOfBytes(data);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(size);
    chunks.push(copyOfBytes(chunk));
  }
  return concatChunks(chunks, size);
}

/**
 * A copy of exactly `bytes`, in an ArrayBuffer of their own. Not `slice`: on a Node Buffer (a snapshot's
 * chunks are views of a 4 MiB Buffer, msgpackr's output a view of its pool) `slice` is a view, which
 * keeps the whole buffer under it alive and is copied whole when posted to another thread or cloned
 * (a 13 KB inline state handle cost 4 MiB per acknowledgement that way).
 */
export function copyOfBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
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
