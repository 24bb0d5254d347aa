import type { AggregateFunction, StateDescriptor, TimestampedValue } from '@flott/core';

/** State name of window contents (Flink's WindowOperator uses "window-contents"). */
export const WINDOW_CONTENTS: StateDescriptor = { name: 'window-contents', kind: 'value' };

/**
 * How a window keeps its elements between firings and what its function gets: a reduced value
 * (ReducingState), an accumulator (AggregatingState) or all elements (ListState). Pure functions;
 * the window operator stores the accumulator under the window's namespace.
 */
export interface WindowContents<IN, ACC, V> {
  /** `acc` is undefined for the window's first element. May mutate and return `acc`. */
  add(acc: ACC | undefined, value: IN, timestamp: number): ACC;
  /** Combines two windows' contents (merging windows). May mutate and return `target`. */
  merge(target: ACC, source: ACC): ACC;
  /** The input of the window function. */
  values(acc: ACC): Iterable<V>;
  /** Elements kept with timestamps for an evictor (then ACC is TimestampedValue<IN>[]). */
  readonly evicting: boolean;
  /**
   * Set for contents that window slicing can combine (reduce, aggregate): folds a slice's
   * accumulator into a window's without changing the slice's (`target` undefined for the first).
   */
  readonly combineSlices?: (target: ACC | undefined, slice: ACC) => ACC;
}

export function reducingContents<T>(reduce: (a: T, b: T) => T): WindowContents<T, T, T> {
  return {
    add: (acc, value) => (acc === undefined ? value : reduce(acc, value)),
    merge: (a, b) => reduce(a, b),
    values: (acc) => [acc],
    evicting: false,
    // The first slice's value itself becomes the target: reduce functions must not mutate their input (as in Flink).
    combineSlices: (target, slice) => (target === undefined ? slice : reduce(target, slice)),
  };
}

export function aggregatingContents<IN, ACC, OUT>(f: AggregateFunction<IN, ACC, OUT>): WindowContents<IN, ACC, OUT> {
  return {
    add: (acc, value) => f.add(value, acc === undefined ? f.createAccumulator() : acc),
    merge: (a, b) => f.merge(a, b),
    values: (acc) => [f.getResult(acc)],
    evicting: false,
    combineSlices: (target, slice) => f.merge(target === undefined ? f.createAccumulator() : target, slice),
  };
}

export function listContents<T>(): WindowContents<T, T[], T> {
  return {
    add: (acc, value) => {
      if (acc === undefined) return [value];
      acc.push(value);
      return acc;
    },
    merge: (a, b) => a.concat(b),
    values: (acc) => acc,
    evicting: false,
  };
}

/**
 * Contents for windows with an evictor: every element with its timestamp; `fold` turns the
 * elements left after eviction into the function's input (reduce/aggregate at firing time, as
 * Flink's EvictingWindowOperator does).
 */
export function evictingContents<IN, V>(fold: (values: IN[]) => Iterable<V>): WindowContents<IN, TimestampedValue<IN>[], V> {
  return {
    add: (acc, value, timestamp) => {
      const e = { value, timestamp };
      if (acc === undefined) return [e];
      acc.push(e);
      return acc;
    },
    merge: (a, b) => a.concat(b),
    values: (acc) => fold(acc.map((e) => e.value)),
    evicting: true,
  };
}

export function reduceFold<T>(reduce: (a: T, b: T) => T): (values: T[]) => T[] {
  return (values) => (values.length === 0 ? [] : [values.reduce(reduce)]);
}

export function aggregateFold<IN, ACC, OUT>(f: AggregateFunction<IN, ACC, OUT>): (values: IN[]) => OUT[] {
  return (values) => {
    let acc = f.createAccumulator();
    for (const v of values) acc = f.add(v, acc);
    return [f.getResult(acc)];
  };
}

export function identityFold<T>(): (values: T[]) => T[] {
  return (values) => values;
}
