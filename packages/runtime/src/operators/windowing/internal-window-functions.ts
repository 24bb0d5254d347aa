import {
  JobBuildError,
  type AllWindowFn,
  type AllWindowFunctionLike,
  type AllWindowOrProcessAllWindowFunction,
  type Collector,
  type ProcessAllWindowFunctionLike,
  type ProcessAllWindowFunctionObject,
  type ProcessWindowContext,
  type ProcessWindowFunctionLike,
  type ProcessWindowFunctionObject,
  type Window,
  type WindowFn,
  type WindowFunctionLike,
  type WindowOrProcessWindowFunction,
  type WindowReduceFunctionLike,
} from '@flott/core';

// How the window operators call the user's window functions; the kinds and the rule that tells them
// apart are described with the user-facing types in @flott/core (windowing/window-functions.ts).

/** What the window operator calls when a window fires (Flink's InternalWindowFunction). */
export interface InternalWindowFunction<IN, OUT, KEY, W extends Window> {
  process(key: KEY, window: W, context: ProcessWindowContext<W>, input: Iterable<IN>, out: Collector<OUT>): void;
  clear(window: W, context: ProcessWindowContext<W>): void;
  /** The user functions behind it (for their rich life cycle). */
  readonly userFunctions: readonly unknown[];
}

/** Emits each value (reduce/aggregate without a window function). */
export function passThroughWindowFunction<T>(): InternalWindowFunction<T, T, unknown, Window> {
  return {
    process: (_k, _w, _c, input, out) => {
      for (const v of input) out.collect(v);
    },
    clear: () => {},
    userFunctions: [],
  };
}

type Kind = 'window' | 'process';

const SIGNATURES = {
  keyed: { window: 'apply(key, window, input, out)', process: 'process(key, context, elements, out)' },
  all: { window: 'apply(window, input, out)', process: 'process(context, elements, out)' },
} as const;

/**
 * Which kind of window function `f` is, by the rule above (`lambda`: the kind a plain function is at
 * this call site); `method` names the API call in the error for anything else.
 */
function kindOf(f: unknown, lambda: Kind, method: string, flavor: keyof typeof SIGNATURES): Kind {
  if (typeof f === 'function') return lambda;
  const o = typeof f === 'object' && f !== null ? (f as { apply?: unknown; process?: unknown }) : undefined;
  const hasApply = typeof o?.apply === 'function';
  const hasProcess = typeof o?.process === 'function';
  if (hasApply !== hasProcess) return hasApply ? 'window' : 'process';
  const got = !o ? (f === null ? 'null' : typeof f) : hasApply ? 'an object with both apply and process' : 'an object with neither apply nor process';
  const sig = SIGNATURES[flavor];
  throw new JobBuildError(
    `${method}: expected a WindowFunction (a plain function or an object with ${sig.window}) ` +
      `or a ProcessWindowFunction (an object with ${sig.process}), got ${got}`,
  );
}

function expectKind(f: unknown, lambda: Kind, method: string, flavor: keyof typeof SIGNATURES): void {
  const kind = kindOf(f, lambda, method, flavor);
  if (kind === lambda) return;
  throw new JobBuildError(
    kind === 'window'
      ? `${method} takes a ProcessWindowFunction; this object has apply, so it is a WindowFunction: pass it to apply() instead`
      : `${method} takes a WindowFunction; this object has process, so it is a ProcessWindowFunction: pass it to process() instead`,
  );
}

function processKeyed<IN, OUT, KEY, W extends Window>(f: ProcessWindowFunctionLike<IN, OUT, KEY, W>): InternalWindowFunction<IN, OUT, KEY, W> {
  if (typeof f === 'function') return { process: (k, _w, c, input, out) => f(k, c, input, out), clear: () => {}, userFunctions: [f] };
  return {
    process: (k, _w, c, input, out) => f.process(k, c, input, out),
    clear: (_w, c) => f.clear?.(c),
    userFunctions: [f],
  };
}

function windowKeyed<IN, OUT, KEY, W extends Window>(f: WindowFunctionLike<IN, OUT, KEY, W>): InternalWindowFunction<IN, OUT, KEY, W> {
  const apply: WindowFn<IN, OUT, KEY, W> = typeof f === 'function' ? f : f.apply.bind(f);
  return { process: (k, w, _c, input, out) => apply(k, w, input, out), clear: () => {}, userFunctions: [f] };
}

function processAll<IN, OUT, W extends Window>(f: ProcessAllWindowFunctionLike<IN, OUT, W>): InternalWindowFunction<IN, OUT, unknown, W> {
  if (typeof f === 'function') return { process: (_k, _w, c, input, out) => f(c, input, out), clear: () => {}, userFunctions: [f] };
  return {
    process: (_k, _w, c, input, out) => f.process(c, input, out),
    clear: (_w, c) => f.clear?.(c),
    userFunctions: [f],
  };
}

function windowAll<IN, OUT, W extends Window>(f: AllWindowFunctionLike<IN, OUT, W>): InternalWindowFunction<IN, OUT, unknown, W> {
  const apply: AllWindowFn<IN, OUT, W> = typeof f === 'function' ? f : f.apply.bind(f);
  return { process: (_k, w, _c, input, out) => apply(w, input, out), clear: () => {}, userFunctions: [f] };
}

/** `process(f)`: a plain function is a ProcessWindowFunction; an object with only `apply` is rejected. */
export function internalProcessWindowFunction<IN, OUT, KEY, W extends Window>(
  f: ProcessWindowFunctionLike<IN, OUT, KEY, W>,
  method = 'process()',
): InternalWindowFunction<IN, OUT, KEY, W> {
  expectKind(f, 'process', method, 'keyed');
  return processKeyed(f);
}

export function internalProcessAllWindowFunction<IN, OUT, W extends Window>(
  f: ProcessAllWindowFunctionLike<IN, OUT, W>,
  method = 'process()',
): InternalWindowFunction<IN, OUT, unknown, W> {
  expectKind(f, 'process', method, 'all');
  return processAll(f);
}

/** `apply(f)`: a plain function is a WindowFunction; an object with only `process` is rejected. */
export function internalWindowFunction<IN, OUT, KEY, W extends Window>(f: WindowFunctionLike<IN, OUT, KEY, W>, method = 'apply()'): InternalWindowFunction<IN, OUT, KEY, W> {
  expectKind(f, 'window', method, 'keyed');
  return windowKeyed(f);
}

export function internalAllWindowFunction<IN, OUT, W extends Window>(f: AllWindowFunctionLike<IN, OUT, W>, method = 'apply()'): InternalWindowFunction<IN, OUT, unknown, W> {
  expectKind(f, 'window', method, 'all');
  return windowAll(f);
}

/** The window function of `reduce(r, f)` / `aggregate(a, f)`: either kind; a plain function is a WindowFunction. */
export function internalWindowOrProcessFunction<IN, OUT, KEY, W extends Window>(
  f: WindowOrProcessWindowFunction<IN, OUT, KEY, W>,
  method: string,
): InternalWindowFunction<IN, OUT, KEY, W> {
  return kindOf(f, 'window', method, 'keyed') === 'window'
    ? windowKeyed(f as WindowFunctionLike<IN, OUT, KEY, W>)
    : processKeyed(f as ProcessWindowFunctionObject<IN, OUT, KEY, W>);
}

export function internalAllWindowOrProcessFunction<IN, OUT, W extends Window>(
  f: AllWindowOrProcessAllWindowFunction<IN, OUT, W>,
  method: string,
): InternalWindowFunction<IN, OUT, unknown, W> {
  return kindOf(f, 'window', method, 'all') === 'window'
    ? windowAll(f as AllWindowFunctionLike<IN, OUT, W>)
    : processAll(f as ProcessAllWindowFunctionObject<IN, OUT, W>);
}

export function reduceFn<T>(f: WindowReduceFunctionLike<T>): (a: T, b: T) => T {
  return typeof f === 'function' ? f : f.reduce.bind(f);
}
