import {
  NullStateValueError,
  type AbstractStateDescriptor,
  type AggregateFunction,
  type AggregatingState,
  type AggregatingStateDescriptor,
  type ListState,
  type ListStateDescriptor,
  type ReducingState,
  type ReducingStateDescriptor,
  type ValueState,
  type ValueStateDescriptor,
} from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import type { TtlPolicy, TtlValue } from './ttl-policy';

/**
 * A keyed handle's internal side (Flink's InternalMergingState): merges the values of several
 * namespaces into one, for merging (session) windows.
 */
export interface InternalMergingState {
  mergeNamespaces(target: string | undefined, sources: ReadonlyArray<string | undefined>): void;
}

/** Where a handle finds its namespace: the store it came from (windows switch it per window). */
export interface NamespaceScope {
  readonly namespace: string | undefined;
}

/**
 * Shared by the keyed handles: reads/writes one backend entry under the current key and namespace.
 * With TTL the entry is a TtlValue; an expired entry is removed when read and, unless the
 * visibility is ReturnExpiredIfNotCleanedUp, reported as absent (Flink's TTL decorators).
 */
abstract class KeyedHandle<S> {
  constructor(
    protected readonly backend: KeyedStateBackend,
    protected readonly descriptor: AbstractStateDescriptor<unknown>,
    protected readonly scope: NamespaceScope,
    protected readonly ttl: TtlPolicy | undefined,
  ) {}

  clear(): void {
    this.backend.clear(this.descriptor, this.scope.namespace);
  }

  /** The stored user value (unwrapped), applying TTL rules; undefined when absent or expired. */
  protected read(namespace = this.scope.namespace): S | undefined {
    const raw = this.backend.get(this.descriptor, namespace);
    if (raw === undefined || !this.ttl) return raw as S | undefined;
    const wrapped = raw as TtlValue<S>;
    if (this.ttl.isExpired(wrapped)) {
      this.backend.clear(this.descriptor, namespace);
      return this.ttl.returnExpired ? wrapped.v : undefined;
    }
    if (this.ttl.updateOnRead) this.backend.put(this.descriptor, this.ttl.wrap(wrapped.v), namespace);
    return wrapped.v;
  }

  /** Like `read`, for a value about to be overwritten: no read-refresh, expired counts as absent. */
  protected readForUpdate(namespace = this.scope.namespace): S | undefined {
    const raw = this.backend.get(this.descriptor, namespace);
    if (raw === undefined || !this.ttl) return raw as S | undefined;
    const wrapped = raw as TtlValue<S>;
    return this.ttl.isExpired(wrapped) ? undefined : wrapped.v;
  }

  protected write(value: S, namespace = this.scope.namespace): void {
    this.backend.put(this.descriptor, this.ttl ? this.ttl.wrap(value) : value, namespace);
  }
}

export class KeyedValueState<T> extends KeyedHandle<T> implements ValueState<T> {
  private readonly defaultValue: T | undefined;
  constructor(backend: KeyedStateBackend, descriptor: ValueStateDescriptor<T>, scope: NamespaceScope, ttl: TtlPolicy | undefined) {
    super(backend, descriptor, scope, ttl);
    this.defaultValue = descriptor.defaultValue;
  }
  value(): T | undefined {
    const v = this.read();
    return v === undefined ? this.defaultValue : v;
  }
  update(value: T | null | undefined): void {
    if (value === null || value === undefined) this.clear();
    else this.write(value);
  }
}

/**
 * Without TTL the backend holds the plain array; with TTL an array of TtlValues, each element
 * expiring on its own as in Flink's TtlListState.
 */
export class KeyedListState<T> extends KeyedHandle<unknown[]> implements ListState<T>, InternalMergingState {
  constructor(backend: KeyedStateBackend, descriptor: ListStateDescriptor<T>, scope: NamespaceScope, ttl: TtlPolicy | undefined) {
    super(backend, descriptor, scope, ttl);
  }

  get(): T[] {
    return this.elements(this.scope.namespace, true);
  }

  add(value: T): void {
    this.checkNotNull(value, 'add');
    const ns = this.scope.namespace;
    const list = this.backend.get(this.descriptor, ns) as unknown[] | undefined;
    const element = this.ttl ? this.ttl.wrap(value) : value;
    if (list) {
      list.push(element);
      // Written back so that backends which do not hold live objects see the change.
      this.backend.put(this.descriptor, list, ns);
    } else {
      this.backend.put(this.descriptor, [element], ns);
    }
  }

  addAll(values: readonly T[]): void {
    for (const v of values) this.checkNotNull(v, 'addAll');
    if (values.length === 0) return;
    for (const v of values) this.add(v);
  }

  update(values: readonly T[]): void {
    for (const v of values) this.checkNotNull(v, 'update');
    const ns = this.scope.namespace;
    if (values.length === 0) this.backend.clear(this.descriptor, ns);
    else this.backend.put(this.descriptor, values.map((v) => (this.ttl ? this.ttl.wrap(v) : v)), ns);
  }

  mergeNamespaces(target: string | undefined, sources: ReadonlyArray<string | undefined>): void {
    const merged: T[] = [];
    for (const ns of sources) {
      if (ns === target) continue;
      merged.push(...this.elements(ns, false));
      this.backend.clear(this.descriptor, ns);
    }
    if (merged.length === 0) return;
    const existing = this.elements(target, false);
    this.backend.put(this.descriptor, [...existing, ...merged].map((v) => (this.ttl ? this.ttl.wrap(v) : v)), target);
  }

  private elements(namespace: string | undefined, forRead: boolean): T[] {
    const list = this.backend.get(this.descriptor, namespace) as unknown[] | undefined;
    if (!list) return [];
    const ttl = this.ttl;
    if (!ttl) return list.slice() as T[];
    const live: Array<TtlValue<T>> = [];
    const result: T[] = [];
    for (const e of list as Array<TtlValue<T>>) {
      if (!ttl.isExpired(e)) {
        live.push(forRead && ttl.updateOnRead ? ttl.wrap(e.v) : e);
        result.push(e.v);
      } else if (forRead && ttl.returnExpired) {
        result.push(e.v);
      }
    }
    if (live.length === 0) this.backend.clear(this.descriptor, namespace);
    else if (live.length !== list.length || (forRead && ttl.updateOnRead)) this.backend.put(this.descriptor, live, namespace);
    return result;
  }

  private checkNotNull(value: unknown, operation: string): void {
    if (value === null || value === undefined) throw new NullStateValueError(this.descriptor.name, operation);
  }
}

export class KeyedReducingState<T> extends KeyedHandle<T> implements ReducingState<T>, InternalMergingState {
  private readonly reduce: (a: T, b: T) => T;
  constructor(backend: KeyedStateBackend, descriptor: ReducingStateDescriptor<T>, scope: NamespaceScope, ttl: TtlPolicy | undefined) {
    super(backend, descriptor, scope, ttl);
    this.reduce = descriptor.reduce;
  }
  get(): T | undefined {
    return this.read();
  }
  add(value: T): void {
    if (value === null || value === undefined) throw new NullStateValueError(this.descriptor.name, 'add');
    const current = this.readForUpdate();
    this.write(current === undefined ? value : this.reduce(current, value));
  }
  mergeNamespaces(target: string | undefined, sources: ReadonlyArray<string | undefined>): void {
    let merged: T | undefined;
    for (const ns of sources) {
      if (ns === target) continue;
      const v = this.readForUpdate(ns);
      this.backend.clear(this.descriptor, ns);
      if (v !== undefined) merged = merged === undefined ? v : this.reduce(merged, v);
    }
    if (merged === undefined) return;
    const existing = this.readForUpdate(target);
    this.write(existing === undefined ? merged : this.reduce(existing, merged), target);
  }
}

/** Stores the accumulator; `get()` returns `getResult(acc)` (undefined when empty, as Flink's null). */
export class KeyedAggregatingState<IN, ACC, OUT> extends KeyedHandle<ACC> implements AggregatingState<IN, OUT>, InternalMergingState {
  private readonly fn: AggregateFunction<IN, ACC, OUT>;
  constructor(
    backend: KeyedStateBackend,
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
    scope: NamespaceScope,
    ttl: TtlPolicy | undefined,
  ) {
    super(backend, descriptor, scope, ttl);
    this.fn = descriptor.aggregateFunction;
  }
  get(): OUT | undefined {
    const acc = this.read();
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }
  add(value: IN): void {
    const current = this.readForUpdate();
    this.write(this.fn.add(value, current === undefined ? this.fn.createAccumulator() : current));
  }
  mergeNamespaces(target: string | undefined, sources: ReadonlyArray<string | undefined>): void {
    let merged: ACC | undefined;
    for (const ns of sources) {
      if (ns === target) continue;
      const acc = this.readForUpdate(ns);
      this.backend.clear(this.descriptor, ns);
      if (acc !== undefined) merged = merged === undefined ? acc : this.fn.merge(merged, acc);
    }
    if (merged === undefined) return;
    const existing = this.readForUpdate(target);
    this.write(existing === undefined ? merged : this.fn.merge(existing, merged), target);
  }
}
