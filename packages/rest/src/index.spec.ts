import * as rest from './index';

describe('@flott/rest entry point', () => {
  it('exports the endpoint, the cluster infos (MiniCluster, ResourceManager) and the handler error', () => {
    expect(Object.keys(rest).sort()).toEqual(['RestHandlerError', 'RestServerEndpoint', 'bindPorts', 'miniClusterInfo', 'resourceManagerClusterInfo']);
  });
});
