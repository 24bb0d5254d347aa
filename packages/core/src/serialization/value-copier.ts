/** What `ValueCopier.copy` returns for a value it leaves to msgpackr (a round trip is the copy then). */
export const NOT_COPIED: unique symbol = Symbol('not copied without msgpack');

/** Nesting beyond which the copier gives up (msgpackr then reports a cycle if there is one). */
const MAX_DEPTH = 16;

/** Largest magnitude of a bigint that msgpack's 64-bit integers hold (without msgpackr's bigint extension). */
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Copies values without a msgpack round trip for what records and state mostly are: primitives, plain
 * arrays and plain objects of them (counters, window slices, tuples, lists of records). Used by the
 * lmdb backend's cache and by record hand-over between subtasks of one thread. A copy equals what
 * msgpackr's round trip gives for such a value (array holes become undefined, -0 becomes 0, the
 * objects are plain); anything else (Map, Set, Date, typed arrays, class instances, objects of another
 * realm, functions, symbols) gives NOT_COPIED, and the caller packs and unpacks. `size` after a copy:
 * an estimate of the copy's heap bytes, for a cache's bounds.
 *
 * `anyBigInt: false` (a codec without a bigint extension, such as the records' msgpack): a bigint
 * beyond 64 bits is not copied, so the round trip reports it as the network would.
 */
export class ValueCopier {
  size = 0;
  private readonly anyBigInt: boolean;
  private readonly flat = new FlatObjectCopier();

  constructor(options: { anyBigInt?: boolean } = {}) {
    this.anyBigInt = options.anyBigInt ?? true;
  }

  copy(value: unknown): unknown {
    this.size = 0;
    return this.copyIn(value, 0);
  }

  private copyIn(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'number':
        this.size += 16;
        return value + 0; // -0 becomes 0, as msgpack writes it
      case 'boolean':
      case 'undefined':
        this.size += 16;
        return value;
      case 'bigint':
        if (!this.anyBigInt && (value < INT64_MIN || value > UINT64_MAX)) return NOT_COPIED;
        this.size += 16;
        return value;
      case 'string':
        this.size += 16 + 2 * value.length;
        return value;
      case 'object': {
        if (value === null) {
          this.size += 8;
          return value;
        }
        if (depth >= MAX_DEPTH) return NOT_COPIED;
        const constructor = (value as object).constructor;
        if (constructor === Array) {
          const array = value as unknown[];
          const length = array.length;
          this.size += 32 + 8 * length;
          // Numbers, strings, booleans, null (window slices, counters, ids): one copy of the elements.
          // No undefined: a hole reads as one, and slice would keep the hole; no -0 either.
          const stringBytes = flatStringBytes(array);
          if (stringBytes >= 0) {
            this.size += stringBytes;
            return array.slice();
          }
          const out: unknown[] = [];
          for (let i = 0; i < length; i++) {
            const c = this.copyIn(array[i], depth + 1);
            if (c === NOT_COPIED) return NOT_COPIED;
            out.push(c);
          }
          return out;
        }
        if (constructor === Object && Object.getPrototypeOf(value) === Object.prototype) {
          const flat = this.flat.copy(value as Record<string, unknown>);
          if (flat !== undefined) {
            this.size += this.flat.size;
            return flat;
          }
          const out: Record<string, unknown> = {};
          const keys = Object.keys(value);
          this.size += 64 + 16 * keys.length;
          for (const k of keys) {
            // An own '__proto__' would set the copy's prototype: msgpackr's business.
            if (k === '__proto__') return NOT_COPIED;
            const c = this.copyIn((value as Record<string, unknown>)[k], depth + 1);
            if (c === NOT_COPIED) return NOT_COPIED;
            this.size += 16 + 2 * k.length;
            out[k] = c;
          }
          return out;
        }
        return NOT_COPIED;
      }
      default:
        return NOT_COPIED;
    }
  }
}

/**
 * When every element is a number other than -0, a string, boolean or null (nothing to copy in them,
 * and no holes): the estimated bytes of the strings; otherwise -1.
 */
function flatStringBytes(array: readonly unknown[]): number {
  let bytes = 0;
  for (let i = 0; i < array.length; i++) {
    const v = array[i];
    if (typeof v === 'number') {
      if (v === 0 && 1 / v < 0) return -1;
      continue;
    }
    if (typeof v === 'boolean' || v === null) continue;
    if (typeof v !== 'string') return -1;
    bytes += 2 * v.length;
  }
  return bytes;
}

/** Builds an object of a shape's keys from its values, in the keys' order (a record decoder's). */
export type ShapeMaker = (values: readonly unknown[]) => Record<string, unknown>;
/** Builds a copy of an object of a shape's keys (a copier's: the values read from the original). */
type ShapeCopy = (value: Record<string, unknown>) => Record<string, unknown>;

/**
 * Compiled shapes by kind and keys (JSON), shared by the thread's copiers and record decoders: the
 * call site that builds objects then sees one function per record type, however many copiers or
 * channels use it (one per channel made that call site megamorphic: bench/README.md, session 16).
 * Bound: MAX_SHAPES (then cleared).
 */
const shapes = new Map<string, ShapeMaker | ShapeCopy>();
const MAX_SHAPES = 4096;

/**
 * The function for objects of `keys` (no '__proto__' among them: a literal would make it the
 * prototype), reading key i's value with `read(key, i)` from `parameter`: an object literal, so every
 * object of a shape gets one hidden class and no key is looked up by name. Where the runtime forbids
 * making code from strings (`--disallow-code-generation-from-strings`), `fallback` builds them key by key.
 */
function compiledShape<F extends ShapeMaker | ShapeCopy>(kind: string, keys: readonly string[], parameter: string, read: (key: string, i: number) => string, fallback: F): F {
  const signature = `${kind}${JSON.stringify(keys)}`;
  let made = shapes.get(signature) as F | undefined;
  if (made !== undefined) return made;
  // JSON.stringify gives a valid JavaScript string literal for any key.
  const body = `return { ${keys.map((k, i) => `${JSON.stringify(k)}: ${read(k, i)}`).join(', ')} };`;
  try {
    made = new Function(parameter, body) as F;
  } catch (e) {
    if (!(e instanceof EvalError)) throw e;
    made = fallback;
  }
  if (shapes.size === MAX_SHAPES) shapes.clear();
  shapes.set(signature, made);
  return made;
}

/** The maker of objects of `keys` from their values (a record decoder's). */
export function shapeMaker(keys: readonly string[]): ShapeMaker {
  return compiledShape('values', keys, 'values', (_k, i) => `values[${i}]`, (values: readonly unknown[]) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]] = values[i];
    return out;
  });
}

function shapeCopy(keys: readonly string[]): ShapeCopy {
  return compiledShape('copy', keys, 'value', (k) => `value[${JSON.stringify(k)}]`, (value: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = value[k];
    return out;
  });
}

interface ShapeEntry {
  readonly keys: readonly string[];
  readonly copy: ShapeCopy;
}

/** Shapes a FlatObjectCopier keeps besides its last one. */
const RECENT_SHAPES = 3;

/** Whether `value`'s enumerable keys are `keys`, in order (the caller checked the count). */
function hasKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in value) if (keys[i++] !== k) return false;
  return true;
}

/**
 * Copies flat plain objects (records such as `{id, value, tag}`: own enumerable string keys, values
 * numbers other than -0, strings, booleans, null or undefined) with the shape's function (3× faster than
 * copying key by key, bench/README.md). Symbol-keyed properties are not copied, as msgpack drops them.
 * `copy` gives undefined for anything else (and for `__proto__` keys): the caller copies it the general way.
 */
class FlatObjectCopier {
  /** The estimated heap bytes of the last copy. */
  size = 0;
  private last: ShapeEntry | undefined;
  /**
   * Shapes copied before the last one (newly made ones first): a stream of two or three kinds of
   * record (a join's or a union's) alternates shapes, and finding one here costs a walk over the
   * object's keys, not a signature string and a lookup in the thread's cache (~250 ms of Nexmark q4's
   * ~5.5 s slot thread, --cpu-prof).
   */
  private readonly recent: ShapeEntry[] = [];

  copy(value: Record<string, unknown>): Record<string, unknown> | undefined {
    let keys = this.last?.keys;
    let n = 0;
    // The same estimate as the general path's (64 an object, 16 a key slot, 16 + 2 a character a key, the values'):
    // the lmdb cache's byte bound depends on it.
    let size = 64;
    for (const k in value) {
      const v = value[k];
      switch (typeof v) {
        case 'number':
          if (v === 0 && 1 / v < 0) return undefined;
          size += 16;
          break;
        case 'string':
          size += 16 + 2 * v.length;
          break;
        case 'boolean':
        case 'undefined':
          size += 16;
          break;
        case 'object':
          if (v !== null) return undefined;
          size += 8;
          break;
        default:
          return undefined;
      }
      if (k === '__proto__') return undefined;
      if (keys !== undefined && keys[n] !== k) keys = undefined;
      size += 32 + 2 * k.length;
      n++;
    }
    this.size = size;
    if (keys === undefined || keys.length !== n) this.switchTo(value, n);
    return this.last!.copy(value);
  }

  /** Makes the shape of `value` (`n` keys) the last one: a recent one (swapped with the last), or one from the thread's cache. */
  private switchTo(value: Record<string, unknown>, n: number): void {
    const previous = this.last;
    for (let i = 0; i < this.recent.length; i++) {
      const r = this.recent[i];
      if (r.keys.length === n && hasKeys(value, r.keys)) {
        // `recent` fills only from a previous shape, so there is one.
        this.recent[i] = previous!;
        this.last = r;
        return;
      }
    }
    const shape: string[] = [];
    for (const k in value) shape.push(k);
    this.last = { keys: shape, copy: shapeCopy(shape) };
    if (previous === undefined) return;
    this.recent.unshift(previous);
    if (this.recent.length > RECENT_SHAPES) this.recent.pop();
  }

}
