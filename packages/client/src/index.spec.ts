import * as client from './index';

describe('@flott/client entry point', () => {
  it('exports the bundler, the client context and the REST client with its errors', () => {
    expect(Object.keys(client).sort()).toEqual([
      'ClusterUnreachableError',
      'JobBundleError',
      'JobFileNotFoundError',
      'RestClusterClient',
      'RestRequestError',
      'RestTransport',
      'bundleJob',
      'createClientExecutionContext',
      'restBaseUrl',
    ]);
  });
});
