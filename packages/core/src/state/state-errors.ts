import { FlottError } from '../errors';

/**
 * Keyed state was requested where there is no key: the function does not run after keyBy(). Without
 * a state name when the keyed state store itself was asked for (FunctionInitializationContext).
 */
export class KeyedStateUnavailableError extends FlottError {
  constructor(stateName?: string) {
    super(
      'KEYED_STATE_UNAVAILABLE',
      "Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation.",
      stateName === undefined ? {} : { stateName },
    );
  }
}

/** Two descriptors of one operator share a name but not a state kind. */
export class StateDescriptorConflictError extends FlottError {
  constructor(stateName: string, registeredKind: string, requestedKind: string) {
    super(
      'STATE_DESCRIPTOR_CONFLICT',
      `State '${stateName}' is already registered as ${registeredKind} state and cannot be used as ${requestedKind} state.`,
      { stateName, registeredKind, requestedKind },
    );
  }
}

/** null/undefined where Flink's state handles reject null (list elements, add/addAll/update). */
export class NullStateValueError extends FlottError {
  constructor(stateName: string, operation: string) {
    super('NULL_STATE_VALUE', `You cannot ${operation} null to state '${stateName}'.`, { stateName, operation });
  }
}

/** An invalid state descriptor or TTL configuration, found when the job is built. */
export class InvalidStateConfigurationError extends FlottError {
  constructor(message: string) {
    super('INVALID_STATE_CONFIGURATION', message);
  }
}

/**
 * Restored state does not fit its descriptor's serializer: the snapshot wrote the state with a custom
 * serializer and the descriptor has none, or the other way round (Flink's incompatible serializer;
 * state is not migrated between forms).
 */
export class StateSerializerMismatchError extends FlottError {
  constructor(stateName: string, reason: string) {
    super('STATE_SERIALIZER_MISMATCH', `Cannot restore state '${stateName}': ${reason}`, { stateName, reason });
  }
}
