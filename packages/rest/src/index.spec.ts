import * as rest from './index';

describe('@flott/rest entry point', () => {
  it('exports the endpoint, the MiniCluster info and the handler error', () => {
    expect(Object.keys(rest).sort()).toEqual(['RestHandlerError', 'RestServerEndpoint', 'bindPorts', 'miniClusterInfo']);
  });
});
