/**
 * Compile-time field names for the keyed aggregations: `sum` accepts only fields holding numbers,
 * `min`/`max`/`minBy`/`maxBy` fields holding numbers, bigints or strings. Tuple positions may be
 * given as numbers (`sum(1)`) as in Flink.
 */
export type NumericField<T> = FieldOfType<T, number>;
export type ComparableField<T> = FieldOfType<T, number | bigint | string>;

type FieldOfType<T, V> = T extends readonly unknown[]
  ? TuplePosition<{ [P in keyof T]: T[P] extends V ? P : never }[number]>
  : { [P in keyof T]-?: T[P] extends V ? P : never }[keyof T];

type TuplePosition<S> = S | (S extends `${infer N extends number}` ? N : never);
