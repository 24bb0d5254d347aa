import type { Configuration } from '@flott/core';
import type { KeyedStateBackend, KeyedStateBackendParameters, StateBackend, StateBackendFactory } from '@flott/runtime/spi';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend';

/** `hashmap`: working state as objects on the slot thread's heap (Flink's HashMapStateBackend). */
export class HashMapStateBackend implements StateBackend {
  readonly name = 'hashmap';

  createKeyedStateBackend(params: KeyedStateBackendParameters): KeyedStateBackend {
    return new HeapKeyedStateBackend(params);
  }
}

export class HashMapStateBackendFactory implements StateBackendFactory {
  readonly name = 'hashmap';

  create(_config: Configuration): StateBackend {
    return new HashMapStateBackend();
  }
}
