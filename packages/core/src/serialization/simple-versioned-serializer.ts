/**
 * Flink's SimpleVersionedSerializer: bytes with a version written next to them, so a newer serializer
 * can read what an older one wrote (a sink's committables and writer state, a source's splits and
 * enumerator checkpoints). Those that bring none get the runtime's msgpack form (plain data values).
 */
export interface SimpleVersionedSerializer<T> {
  getVersion(): number;
  serialize(value: T): Uint8Array;
  deserialize(version: number, bytes: Uint8Array): T;
}
