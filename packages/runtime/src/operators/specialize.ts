/**
 * V8 keeps type feedback per function. A hot method shared by every instance of an operator class
 * sees the user functions of every job a slot thread ever ran: its call sites turn megamorphic and
 * V8 stops inlining user code (measured: the 8th job in a slot ran a chained pipeline at half the
 * rate of the first). Compiling a private copy of the method per instance keeps each call site
 * monomorphic for the one job it serves.
 *
 * Only for small methods that reach everything through `this` (no imports, closures or `super`):
 * the copy is compiled from the method's source text, outside its module.
 *
 * Switch: the environment variable `FLOTT_SPECIALIZE_HOT_METHODS` (`true`, the default, or `false`),
 * read once when this module loads. With `false` instances keep the shared prototype methods. Test
 * coverage runs set it (jest.preset.js): istanbul's counters in a method's text refer to variables
 * of its module, which a copy compiled outside the module cannot see (ReferenceError).
 */
let copies = 0;

export const SPECIALIZE_HOT_METHODS_ENV = 'FLOTT_SPECIALIZE_HOT_METHODS';

/** Reads the switch: unset or `true` turns specialisation on, `false` off; other values are a configuration error. */
export function hotMethodSpecializationEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env[SPECIALIZE_HOT_METHODS_ENV];
  if (value === undefined || value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`${SPECIALIZE_HOT_METHODS_ENV} must be 'true' or 'false', not '${value}'`);
}

const enabled = hotMethodSpecializationEnabled(process.env);

/**
 * The text a copy is compiled from. A class method's text is "name(params) { body }"; as
 * "function name(params) { body }" it compiles alone. The counter makes every copy's text unique:
 * V8 caches compiled code by text and identical copies would share one function's feedback again.
 */
export function copySource(methodSource: string): string {
  return `"use strict"; /* copy ${++copies} */ return function ${methodSource};`;
}

/** Gives `instance` its own compiled copy of each named method, unless the switch turned this off. */
export function specializeHotMethods(instance: object, names: readonly string[]): void {
  for (const name of names) {
    const method = (instance as Record<string, unknown>)[name];
    if (typeof method !== 'function') throw new Error(`Assertion failed: no method ${name} to specialize`);
    if (!enabled) continue;
    const source = method.toString();
    const copy = new Function(copySource(source))() as unknown;
    Object.defineProperty(instance, name, { value: copy, writable: true, configurable: true, enumerable: false });
  }
}
