/**
 * Typed errors. Every error that crosses a process, thread or REST boundary is a FlottError with a
 * stable `code`; `serializeError()`/`deserializeError()` carry it across and keep `instanceof` working
 * for the base class, and for every class its package registered (registerErrorClasses).
 */
export interface SerializedError {
  readonly code: string;
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly data?: Record<string, unknown>;
  readonly cause?: SerializedError;
}

export class FlottError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.data = data;
    this.name = new.target.name;
  }

  static isFlottError(e: unknown): e is FlottError {
    return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'data' in e;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** Any thrown value to a plain, cloneable description (keeps user stack traces). */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const code = FlottError.isFlottError(e) ? e.code : 'USER_ERROR';
    const data = FlottError.isFlottError(e) ? e.data : undefined;
    const cause = e.cause !== undefined ? serializeError(e.cause) : undefined;
    return { code, name: e.name, message: e.message, stack: e.stack, data, cause };
  }
  return { code: 'USER_ERROR', name: 'Error', message: String(e) };
}

/** Rebuilds an error on the receiving side; the original stack trace is preserved. */
export class RemoteError extends FlottError {
  readonly remoteName: string;
  constructor(s: SerializedError) {
    super(s.code, s.message, s.data ?? {}, s.cause ? { cause: new RemoteError(s.cause) } : undefined);
    this.remoteName = s.name;
    this.name = s.name;
    if (s.stack) this.stack = s.stack;
  }
}

/** What an Error's own fields mean whatever a class put in its data under these names (`cause` is often a reason string there). */
const ERROR_FIELDS = new Set(['name', 'message', 'stack', 'cause', 'code', 'data']);

/** Error classes by name; null where two different classes share a name (those arrive as RemoteError). */
const errorClasses = new Map<string, (abstract new (...args: never[]) => FlottError) | null>();

/**
 * Makes the FlottError classes among `namespace`'s values (a package's exports) arrive as
 * themselves when deserialized: each package registers its own, so an error thrown in another
 * process or thread is `instanceof` its class here, with its code, message, data, stack and cause.
 */
export function registerErrorClasses(namespace: Readonly<Record<string, unknown>>): void {
  for (const value of Object.values(namespace)) {
    if (typeof value !== 'function' || !(value.prototype instanceof FlottError) || value === RemoteError) continue;
    const errorClass = value as abstract new (...args: never[]) => FlottError;
    const known = errorClasses.get(errorClass.name);
    if (known === undefined) errorClasses.set(errorClass.name, errorClass);
    else if (known !== errorClass) errorClasses.set(errorClass.name, null);
  }
}

let errorClassLoaders: (() => void)[] = [];

/**
 * Registers error classes the first time deserializeError meets a name it does not know: a thread that loads a
 * package's slim entry point (a slot thread loads `@flott/runtime/common`, not the index that registers all the
 * runtime's errors) still rebuilds every error as its class, and pays for loading the rest only when one arrives.
 */
export function registerErrorClassLoader(load: () => void): void {
  errorClassLoaders.push(load);
}

function loadMoreErrorClasses(): void {
  const loaders = errorClassLoaders;
  errorClassLoaders = [];
  for (const load of loaders) load();
}

/**
 * Rebuilds an error on the receiving side; the original stack trace is preserved. A registered
 * class (registerErrorClasses) is rebuilt as an instance of itself without running its constructor
 * (whose parameters differ from class to class): its own fields are the serialised ones, and the
 * entries of its data it does not otherwise have (fields its constructor also put there); anything
 * else is a RemoteError with the same code, name, message, data, stack and cause.
 */
export function deserializeError(s: SerializedError): Error {
  if (!errorClasses.has(s.name)) loadMoreErrorClasses();
  const errorClass = errorClasses.get(s.name);
  if (!errorClass) return new RemoteError(s);
  const e = Object.create(errorClass.prototype) as FlottError;
  const field = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false });
  Object.defineProperties(e, {
    name: field(s.name),
    message: field(s.message),
    code: { ...field(s.code), enumerable: true },
    data: { ...field(s.data ?? {}), enumerable: true },
    ...(s.stack !== undefined ? { stack: field(s.stack) } : {}),
    ...(s.cause ? { cause: field(deserializeError(s.cause)) } : {}),
  });
  // Fields a class also keeps in its data (a `readonly httpStatus` constructor parameter) are its own again.
  for (const [key, value] of Object.entries(s.data ?? {})) {
    if (!ERROR_FIELDS.has(key) && !(key in e)) Object.defineProperty(e, key, { value, writable: false, configurable: true, enumerable: true });
  }
  return e;
}

export class ConfigurationError extends FlottError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('CONFIGURATION_ERROR', message, data);
  }
}

export class UnknownImplementationError extends ConfigurationError {
  constructor(spi: string, key: string, name: string, known: readonly string[]) {
    super(`Unknown ${spi} '${name}' for '${key}'. Known: ${known.join(', ') || '(none registered)'}`, {
      spi,
      key,
      name,
      known: [...known],
    });
  }
}

export class JobBuildError extends FlottError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('JOB_BUILD_FAILED', message, {}, options);
  }
}

/** A broken invariant: a bug, never an operating error. Fails loudly. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
