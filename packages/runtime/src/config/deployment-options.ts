import { ConfigOptions as O } from '@flott/core';

/** Where `flott run` runs a job (Flink's DeploymentOptions). */
export const DeploymentOptions = {
  TARGET: O.optionalString('execution.target', {
    description:
      'Where flott run runs the job: local (an embedded MiniCluster, the default) or remote (a running cluster at rest.address:rest.port, as flott run -m); ' +
      'flott run-application deploys to local-application (an application cluster of processes on this host, the default and only one so far).',
  }),
  SHUTDOWN_ON_APPLICATION_FINISH: O.bool('execution.shutdown-on-application-finish', {
    defaultValue: true,
    description:
      'Whether an application cluster (flott jobmanager --application, flott run-application) shuts down, TaskManagers included, once its job reached a terminal state. ' +
      'When false it keeps running, its REST API still answering about the job, until it is stopped.',
  }),
};
