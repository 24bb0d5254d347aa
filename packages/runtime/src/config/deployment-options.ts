import { ConfigOptions as O } from '@flott/core';

/** Where `flott run` runs a job (Flink's DeploymentOptions). */
export const DeploymentOptions = {
  TARGET: O.optionalString('execution.target', {
    description: 'Where flott run runs the job: local (an embedded MiniCluster, the default) or remote (a running cluster at rest.address:rest.port, as flott run -m).',
  }),
};
