import { ConfigOptions as O } from '@flott/core';

/**
 * The REST API's options (Flink's RestOptions and the REST part of SecurityOptions), read by the
 * server (@flott/rest) and by clients that talk to it (`flott list`, `flott run -m`). Kept beside
 * options.ts so that file stays one list per role.
 */
export const RestOptions = {
  ADDRESS: O.optionalString('rest.address', {
    description: 'Address clients connect to for the REST API (flott run -m, list, cancel...); localhost when unset. The server advertises it.',
  }),
  PORT: O.int('rest.port', {
    defaultValue: 8081, min: 0, max: 65535,
    description: 'Port clients connect to, and the port the server binds when rest.bind-port is unset (0: any free port).',
  }),
  BIND_ADDRESS: O.optionalString('rest.bind-address', {
    description: 'Address the REST server binds to; all interfaces when unset.',
  }),
  BIND_PORT: O.optionalString('rest.bind-port', {
    description: 'Port or range ("50100-50200", "50100,50101") the REST server binds to, the first free one; rest.port when unset.',
  }),
  SERVER_MAX_CONTENT_LENGTH: O.memoryBytes('rest.server.max-content-length', {
    defaultValue: 100 * 1024 * 1024, min: 1024,
    description: 'Largest request body the REST server accepts (a job submission carries the job bundle); larger ones are answered 413.',
  }),
  CLIENT_MAX_CONTENT_LENGTH: O.memoryBytes('rest.client.max-content-length', {
    defaultValue: 100 * 1024 * 1024, min: 1024,
    description: 'Largest response body the REST client reads; a larger one fails the call.',
  }),
  CONNECTION_TIMEOUT: O.durationMs('rest.connection-timeout', {
    defaultValue: 15_000,
    description: 'How long the REST client waits to connect to the server.',
  }),
  IDLENESS_TIMEOUT: O.durationMs('rest.idleness-timeout', {
    defaultValue: 300_000,
    description: 'How long one REST call may go without an answer before the client gives it up; on the server, how long a connection may idle and a request take to arrive.',
  }),
  RETRY_MAX_ATTEMPTS: O.int('rest.retry.max-attempts', {
    defaultValue: 20, min: 0, max: 1000,
    description: 'How often the REST client retries a call that could not connect (the server is starting), or a query that timed out.',
  }),
  RETRY_DELAY: O.durationMs('rest.retry.delay', {
    defaultValue: 3_000,
    description: 'Pause between two attempts of a retried REST call.',
  }),
  ASYNC_STORE_DURATION: O.durationMs('rest.async.store-duration', {
    defaultValue: 300_000,
    description: 'How long the result of an asynchronous operation (a savepoint or checkpoint trigger) stays queryable after it completed.',
  }),
  ASYNC_MAX_OPERATIONS: O.int('rest.async.max-operations', {
    defaultValue: 1000, min: 1, max: 1_000_000,
    description: 'Most asynchronous operations (savepoint, stop, checkpoint triggers) the REST server tracks at once; beyond it a trigger is answered 429. Flott-specific.',
  }),
  TASKMANAGER_STATS_TIMEOUT: O.durationMs('rest.taskmanager-stats.timeout', {
    defaultValue: 2_000,
    description: "How long the JobManager's REST API waits for each TaskManager's task statistics (back-pressure, watermarks, heap) through the ResourceManager; a TaskManager that does not answer in time is left out of the answer (at most 60 s). Flott-specific.",
  }),
  AUTHENTICATION_TOKEN: O.optionalString('rest.authentication.token', {
    description: 'Bearer token every REST request must carry (Authorization: Bearer <token>; 401 otherwise); clients send it. Unset: no authentication. Flott-specific.',
  }),
  SSL_ENABLED: O.bool('security.ssl.rest.enabled', {
    defaultValue: false,
    description: 'Serve (and call) the REST API over HTTPS, with the PEM files of security.ssl.rest.key-file and security.ssl.rest.cert-file.',
  }),
  SSL_KEY_FILE: O.optionalString('security.ssl.rest.key-file', {
    description: "The REST server's private key, a PEM file (Flott reads PEM where Flink reads a keystore).",
  }),
  SSL_CERT_FILE: O.optionalString('security.ssl.rest.cert-file', {
    description: "The REST server's certificate chain, a PEM file.",
  }),
  SSL_TRUST_CERT_FILE: O.optionalString('security.ssl.rest.trust-cert-file', {
    description: 'Certificates (PEM) a REST client trusts besides the system ones, e.g. a self-signed server certificate.',
  }),
};
