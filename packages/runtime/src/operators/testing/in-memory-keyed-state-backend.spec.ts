import type { KeyedStateBackendParameters, StateBackendFactory } from '../../spi/state-backend';
import { stateBackendContractTests } from '../../testing/state-contract';
import { InMemoryKeyedStateBackend } from './in-memory-keyed-state-backend';

/** The fake as a StateBackend, so it runs the contract suite the real backends run. */
const inMemoryStateBackendFactory: StateBackendFactory = {
  name: 'in-memory',
  create: () => ({
    name: 'in-memory',
    createKeyedStateBackend: (params: KeyedStateBackendParameters) => new InMemoryKeyedStateBackend(params.keyGroupRange, params),
  }),
};

stateBackendContractTests(inMemoryStateBackendFactory);
