import { deserializeError, FlottError, registerErrorClasses, registerErrorClassLoader, RemoteError, serializeError } from './errors';

class OutOfBeansError extends FlottError {
  constructor(
    readonly beans: number,
    options?: { cause?: unknown },
  ) {
    super('OUT_OF_BEANS', `only ${beans} beans left`, { beans }, options);
  }
}

class NotRegisteredError extends FlottError {
  constructor() {
    super('NOT_REGISTERED', 'nobody registered me');
  }
}

describe('errors across a process boundary (serializeError / deserializeError)', () => {
  registerErrorClasses({ OutOfBeansError, notAnError: 42, plainFunction: () => undefined, Error });

  it('rebuilds a registered class as itself, with its code, message, data, stack and cause chain', () => {
    const original = new OutOfBeansError(2, { cause: new NotRegisteredError() });
    const back = deserializeError(JSON.parse(JSON.stringify(serializeError(original))));
    expect(back).toBeInstanceOf(OutOfBeansError);
    expect(back).toBeInstanceOf(FlottError);
    expect(back).toMatchObject({ code: 'OUT_OF_BEANS', name: 'OutOfBeansError', message: 'only 2 beans left', data: { beans: 2 } });
    // A field the constructor also put in the data is the instance's own again; `cause` in the data stays data.
    expect((back as OutOfBeansError).beans).toBe(2);
    const lost = deserializeError(serializeError(new OutOfBeansError(0, { cause: undefined })));
    expect(lost.cause).toBeUndefined();
    expect(back.stack).toBe(original.stack);
    // Unregistered: a RemoteError that keeps what it was.
    expect(back.cause).toBeInstanceOf(RemoteError);
    expect(back.cause).toMatchObject({ code: 'NOT_REGISTERED', name: 'NotRegisteredError', message: 'nobody registered me' });
    expect(serializeError(back)).toEqual(serializeError(original));
  });

  it('leaves classes that share a name with another registered class as RemoteError (which one was meant is unknown)', () => {
    const First = class SameNameError extends FlottError {};
    const Second = class SameNameError extends FlottError {};
    registerErrorClasses({ First });
    expect(deserializeError(serializeError(new First('A', 'a')))).toBeInstanceOf(First);
    registerErrorClasses({ Second });
    const back = deserializeError(serializeError(new Second('B', 'b')));
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toMatchObject({ code: 'B', name: 'SameNameError', message: 'b' });
  });

  it('keeps a user error (not a FlottError) as a RemoteError with code USER_ERROR and its stack', () => {
    const user = new TypeError('bad input');
    const back = deserializeError(serializeError(user));
    expect(back).toBeInstanceOf(RemoteError);
    expect(back).toMatchObject({ code: 'USER_ERROR', name: 'TypeError', message: 'bad input', stack: user.stack });
  });
});

describe('a registered class whose data has a `cause` reason string', () => {
  class GoneError extends FlottError {
    constructor(cause: string) {
      super('GONE', `gone (${cause})`, { cause });
    }
  }
  registerErrorClasses({ GoneError });

  it('keeps the reason in data, and the error cause empty', () => {
    const back = deserializeError(serializeError(new GoneError('killed')));
    expect(back).toBeInstanceOf(GoneError);
    expect(back.cause).toBeUndefined();
    expect((back as GoneError).data).toEqual({ cause: 'killed' });
  });
});

describe('registerErrorClassLoader (a thread registers a package\'s errors only when one arrives)', () => {
  class LateError extends FlottError {
    constructor() {
      super('LATE', 'registered on demand');
    }
  }

  it('runs its loaders once, at the first unknown name, and rebuilds that error as its class', () => {
    let loads = 0;
    registerErrorClassLoader(() => {
      loads++;
      registerErrorClasses({ LateError });
    });
    const wire = serializeError(new LateError());
    const back = deserializeError(wire);
    expect(back).toBeInstanceOf(LateError);
    expect(deserializeError(wire)).toBeInstanceOf(LateError);
    // Another unknown name does not load again: what the loaders register is all there is.
    expect(deserializeError(serializeError(new TypeError('x')))).toBeInstanceOf(RemoteError);
    expect(loads).toBe(1);
  });
});
