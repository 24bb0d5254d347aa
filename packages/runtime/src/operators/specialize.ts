/**
 * V8 keeps type feedback per function. A hot method shared by every instance of an operator class
 * sees the user functions of every job a slot thread ever ran: its call sites turn megamorphic and
 * V8 stops inlining user code (measured: the 8th job in a slot ran a chained pipeline at half the
 * rate of the first). Compiling a private copy of the method per instance keeps each call site
 * monomorphic for the one job it serves.
 *
 * Only for small methods that reach everything through `this` (no imports, closures or `super`):
 * the copy is compiled from the method's source text, outside its module.
 */
let copies = 0;

/**
 * The text a copy is compiled from. A class method's text is "name(params) { body }"; as
 * "function name(params) { body }" it compiles alone. The counter makes every copy's text unique:
 * V8 caches compiled code by text and identical copies would share one function's feedback again.
 */
export function copySource(methodSource: string): string {
  return `"use strict"; /* copy ${++copies} */ return function ${methodSource};`;
}

export function specializeHotMethods(instance: object, names: readonly string[]): void {
  for (const name of names) {
    const method = (instance as Record<string, unknown>)[name];
    if (typeof method !== 'function') throw new Error(`Assertion failed: no method ${name} to specialize`);
    const source = method.toString();
    const copy = new Function(copySource(source))() as unknown;
    Object.defineProperty(instance, name, { value: copy, writable: true, configurable: true, enumerable: false });
  }
}
