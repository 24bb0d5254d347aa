/**
 * How the values of one state are written into checkpoints and savepoints (Flink's TypeSerializer,
 * reduced to what a JS value needs): a state descriptor given one stores its values with it instead
 * of the runtime's msgpack form. Use one for values msgpack does not keep (class instances with their
 * prototype, values with identity or cycles) or for a compact form of your own. `deserialize` must
 * read everything `serialize` ever wrote for the state (savepoints outlive code): version the bytes
 * yourself when their layout changes. Both are called on the task thread; neither may keep `bytes`.
 */
export interface TypeSerializer<T> {
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

/** Whether `value` is a TypeSerializer (an object with `serialize` and `deserialize` functions). */
export function isTypeSerializer(value: unknown): value is TypeSerializer<unknown> {
  return typeof value === 'object' && value !== null &&
    typeof (value as TypeSerializer<unknown>).serialize === 'function' && typeof (value as TypeSerializer<unknown>).deserialize === 'function';
}
