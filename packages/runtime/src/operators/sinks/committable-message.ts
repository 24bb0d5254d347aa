import type { SimpleVersionedSerializer } from '@flott/core';

/**
 * What flows from a sink's writer operator to its committer operator (Flink's CommittableWithLineage):
 * one committable and the checkpoint it was prepared for. Committables prepared at the end of bounded
 * input carry the task's final checkpoint (checkpoints after tasks finish) or else END_OF_INPUT, which no
 * checkpoint reaches, so only the committer's `finish` commits them.
 */
export interface CommittableMessage<CommT> {
  readonly checkpointId: number;
  readonly committable: CommT;
}

/** Flink's Long.MAX_VALUE checkpoint id of the end of input. */
export const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/** A value in operator list state: as is (msgpack in the state file), or the sink's serializer's bytes with its version. */
export type StoredValue = { readonly value: unknown } | { readonly version: number; readonly bytes: Uint8Array };

export function storeValue<T>(value: T, serializer: SimpleVersionedSerializer<T> | undefined): StoredValue {
  return serializer ? { version: serializer.getVersion(), bytes: serializer.serialize(value) } : { value };
}

export function loadValue<T>(stored: StoredValue, serializer: SimpleVersionedSerializer<T> | undefined, what: string): T {
  if ('value' in stored) return stored.value as T;
  if (!serializer) throw new Error(`Assertion failed: ${what} was stored with a serializer (version ${stored.version}) but the sink has none now`);
  return serializer.deserialize(stored.version, stored.bytes);
}
