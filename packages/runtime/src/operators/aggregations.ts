import type { RollingAggregation } from './keyed-aggregation-operator';

/** Values the built-in aggregations compare with `<` / `>`. */
export type Comparable = number | bigint | string;

/**
 * Flink's rolling aggregations. By field (`sum`, `min`, `max`) they keep every other field of the
 * key's FIRST record and update only the aggregated field; `minBy`/`maxBy` return the whole record
 * holding the extreme value, the earlier one on ties when `first` is true (Flink's default).
 */
export type AggregationKind = 'sum' | 'min' | 'max';

function compare(a: Comparable, b: Comparable): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of `record` with one field replaced (arrays stay arrays, class instances keep their prototype). */
export function withField<T>(record: T, field: PropertyKey, value: unknown): T {
  if (Array.isArray(record)) {
    const copy: unknown[] = record.slice();
    copy[Number(field)] = value;
    return copy as T;
  }
  if (typeof record !== 'object' || record === null) {
    throw new TypeError(`Cannot aggregate field '${String(field)}' of a non-object record ${String(record)}`);
  }
  const copy = Object.assign(Object.create(Object.getPrototypeOf(record) as object | null) as object, record);
  (copy as Record<PropertyKey, unknown>)[field] = value;
  return copy as T;
}

function readField(record: unknown, field: PropertyKey): Comparable {
  if (typeof record !== 'object' || record === null) {
    throw new TypeError(`Cannot read field '${String(field)}' of a non-object record ${String(record)}`);
  }
  return (record as Record<PropertyKey, unknown>)[field] as Comparable;
}

function add(a: Comparable, b: Comparable): Comparable {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  throw new TypeError(`sum() needs numbers, got ${typeof a} and ${typeof b}`);
}

function combineValues(kind: AggregationKind, acc: Comparable, value: Comparable): Comparable {
  if (kind === 'sum') return add(acc, value);
  const c = compare(value, acc);
  return (kind === 'min' ? c < 0 : c > 0) ? value : acc;
}

/** sum/min/max of one field; the result is the first record with that field updated. */
export function fieldAggregation<T>(kind: AggregationKind, field: PropertyKey): RollingAggregation<T, T> {
  return {
    inputsCombine: true,
    first: (v) => v,
    combine: (acc, v) => {
      const current = readField(acc, field);
      const next = combineValues(kind, current, readField(v, field));
      return next === current ? acc : withField(acc, field, next);
    },
    combineOwned: (acc, v) => {
      const current = readField(acc, field);
      const next = combineValues(kind, current, readField(v, field));
      if (next !== current) (acc as Record<PropertyKey, unknown>)[field] = next;
      return acc;
    },
  };
}

/** sum/min/max of a value a selector extracts; the result is that value. */
export function selectorAggregation<T, V extends Comparable>(kind: AggregationKind, selector: (value: T) => V): RollingAggregation<T, V> {
  return {
    first: (v) => selector(v),
    combine: (acc, v) => combineValues(kind, acc, selector(v)) as V,
  };
}

/** minBy/maxBy: the record with the extreme value of `selector`. */
export function byAggregation<T>(kind: 'min' | 'max', selector: (value: T) => Comparable, first: boolean): RollingAggregation<T, T> {
  return {
    inputsCombine: true,
    first: (v) => v,
    combine: (acc, v) => {
      const c = compare(selector(v), selector(acc));
      if (c === 0) return first ? acc : v;
      return (kind === 'min' ? c < 0 : c > 0) ? v : acc;
    },
  };
}

export function fieldSelector<T>(field: PropertyKey): (value: T) => Comparable {
  return (v) => readField(v, field);
}
