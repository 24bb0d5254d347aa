import type { default as Ajv, ErrorObject, Options } from 'ajv';

/** A validation function as ajv's: true or false, and the reasons of the last `false` in `errors`. */
export interface LazyValidator<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

/**
 * Compiles `schema` (with the Ajv instance `ajv` gives) on the first validation instead of at
 * start-up: compiling the REST API's schemas up front cost ~0.15 s of every JobManager's start,
 * most of them for requests that never come.
 */
export function lazyValidator<T>(ajv: () => Ajv, schema: object): LazyValidator<T> {
  let compiled: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;
  const validate = ((data: unknown): boolean => {
    compiled ??= ajv().compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as LazyValidator<T>;
  return validate;
}

/**
 * An Ajv instance with `options`, made on first use: constructing one compiles its meta-schema
 * (~15 ms), and ajv itself (~270 modules) is loaded only then, not with every JobManager.
 */
export function lazyAjv(options: Options): () => Ajv {
  let ajv: Ajv | undefined;
  return () => {
    if (ajv === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const AjvClass = (require('ajv') as typeof import('ajv')).default;
      ajv = new AjvClass(options);
    }
    return ajv;
  };
}
