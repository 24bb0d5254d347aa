import type { StateDescriptor } from '@flott/core';
import type { KeyGroupRange, KeyedStateBackend } from '../../spi/state-backend';

/**
 * A keyed state backend for operator tests: one Map per (state, namespace), keyed by the current
 * key. Keys are compared by their JSON form so that equal composite keys (arrays, objects) meet,
 * as they would after serialisation in a real backend.
 */
export class InMemoryKeyedStateBackend implements KeyedStateBackend {
  private readonly tables = new Map<string, Map<string, unknown>>();
  private readonly keysById = new Map<string, unknown>();
  private currentKey: unknown;
  private currentKeyId = '';
  private disposed = false;

  constructor(readonly keyGroupRange: KeyGroupRange = { startKeyGroup: 0, endKeyGroup: 127 }) {}

  setCurrentKey(key: unknown): void {
    this.checkOpen();
    this.currentKey = key;
    this.currentKeyId = keyId(key);
    this.keysById.set(this.currentKeyId, key);
  }

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  get(descriptor: StateDescriptor, namespace = ''): unknown {
    this.checkOpen();
    return this.tables.get(tableId(descriptor, namespace))?.get(this.currentKeyId);
  }

  put(descriptor: StateDescriptor, value: unknown, namespace = ''): void {
    this.checkOpen();
    const id = tableId(descriptor, namespace);
    let table = this.tables.get(id);
    if (!table) this.tables.set(id, (table = new Map()));
    table.set(this.currentKeyId, value);
  }

  clear(descriptor: StateDescriptor, namespace = ''): void {
    this.checkOpen();
    this.tables.get(tableId(descriptor, namespace))?.delete(this.currentKeyId);
  }

  getKeys(descriptor: StateDescriptor, namespace = ''): unknown[] {
    this.checkOpen();
    return [...(this.tables.get(tableId(descriptor, namespace))?.keys() ?? [])].map((id) => this.keysById.get(id));
  }

  numEntries(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  /** Every stored value of one state, by key (JSON form), for assertions. */
  entries(descriptorName: string, namespace = ''): Map<string, unknown> {
    return new Map(this.tables.get(`${descriptorName}\u0000${namespace}`) ?? []);
  }

  dispose(): void {
    this.disposed = true;
    this.tables.clear();
  }

  private checkOpen(): void {
    if (this.disposed) throw new Error('Assertion failed: keyed state backend used after dispose()');
  }
}

function tableId(descriptor: StateDescriptor, namespace: string): string {
  return `${descriptor.name}\u0000${namespace}`;
}

function keyId(key: unknown): string {
  return typeof key === 'string' ? `s${key}` : `j${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
}
