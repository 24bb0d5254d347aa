import * as fs from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifySchemaCompiler, type FastifySerializerCompiler, type FastifyServerOptions } from 'fastify';
import { ConfigurationError, type Clock, type Configuration } from '@flott/core';
import { RestOptions, SILENT_LOGGER, SystemClock, SystemIdGenerator, SystemScheduler, type DispatcherGateway, type IdGenerator, type Logger, type Scheduler } from '@flott/runtime';
import { AsyncOperations } from './async-operations';
import { lazyAjv, lazyValidator } from './lazy-validator';
import type { ClusterInfoGateway } from './cluster-info';
import { registerCheckpointHandlers } from './handlers/checkpoint-handlers';
import { registerClusterHandlers } from './handlers/cluster-handlers';
import { registerJobHandlers } from './handlers/job-handlers';
import { HEX_ID, type RouteContext } from './handlers/route-context';
import { registerSavepointHandlers } from './handlers/savepoint-handlers';
import { registerSubmitHandler } from './handlers/submit-handler';
import { registerVertexHandlers } from './handlers/vertex-handlers';
import { statusOfError } from './rest-errors';

export interface RestServerEndpointOptions {
  readonly dispatcher: DispatcherGateway;
  /** Slots and TaskManagers for /overview and /taskmanagers; without it they show none. */
  readonly cluster?: ClusterInfoGateway;
  readonly configuration: Configuration;
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  /** Trigger ids of savepoints and checkpoints. */
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
}

/** The candidate ports of rest.bind-port ("8081", "50100-50200", "50100,50101"), or rest.port. */
export function bindPorts(configuration: Configuration): number[] {
  const spec = configuration.get(RestOptions.BIND_PORT);
  if (spec === undefined) return [configuration.get(RestOptions.PORT)];
  const ports: number[] = [];
  for (const piece of spec.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(piece);
    const from = Number(m?.[1]);
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!m || from > 65535 || to > 65535 || to < from) throw new ConfigurationError(`rest.bind-port: '${spec}' is not a port, a range "from-to" or a list of them`, { key: 'rest.bind-port' });
    for (let p = from; p <= to && ports.length < 65536; p++) ports.push(p);
  }
  return ports;
}

function readPem(configuration: Configuration, option: typeof RestOptions.SSL_KEY_FILE): Buffer {
  const file = configuration.get(option);
  if (file === undefined) throw new ConfigurationError(`security.ssl.rest.enabled is true but ${option.key} is not set`, { key: option.key });
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new ConfigurationError(`${option.key}: cannot read ${file}: ${(e as Error).message}`, { key: option.key, file });
  }
}

// Path and query parameters arrive as strings and are coerced to the schema's types; a JSON body is
// taken as sent (a `"drain": 1` is a mistake to report, not to guess at).
const coercing = lazyAjv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false });
const strict = lazyAjv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false });
const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => lazyValidator(httpPart === 'body' ? strict : coercing, schema as object);

const unusedSerializerCompiler: FastifySerializerCompiler<unknown> = ({ url }) => {
  throw new Error(`The REST route ${url} declares a response schema; serializers are not configured`);
};
type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
// fastify's factory types are its default compilers' (ajv's and fast-json-stringify's); ours keep the call shape.
const OWN_COMPILERS = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => unusedSerializerCompiler,
} as unknown as CompilersFactory;

/** Whether `header` carries the bearer `token`, compared in constant time. */
function hasToken(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1].trim());
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The Dispatcher's REST API (Flink's DispatcherRestEndpoint, DESIGN.md §8): Flink's v1 paths and JSON
 * shapes, Flott's own additions under /flott/, served by fastify with schema validation of ids, query
 * parameters and bodies. A bad request gets a 4xx with Flink's `{"errors": [...]}`, never a crash.
 * Optional TLS (security.ssl.rest.*) and bearer-token auth (rest.authentication.token).
 */
export class RestServerEndpoint {
  private constructor(
    private readonly app: FastifyInstance,
    private readonly operations: AsyncOperations,
    /** The bound port (the first free one of rest.bind-port). */
    readonly port: number,
    /** http://host:port or https://host:port, with rest.address (or the bound address) as host. */
    readonly url: string,
  ) {}

  static async start(opts: RestServerEndpointOptions): Promise<RestServerEndpoint> {
    const config = opts.configuration;
    const tls = config.get(RestOptions.SSL_ENABLED);
    const maxContentLength = config.get(RestOptions.SERVER_MAX_CONTENT_LENGTH);
    const app = Fastify({
      bodyLimit: maxContentLength,
      // Our own lazy ajv validators; replies carry no response schemas, so no serializer is ever
      // compiled: fastify's default factories would load @fastify/ajv-compiler and
      // fast-json-stringify (~250 modules) into every JobManager for nothing.
      schemaController: { compilersFactory: OWN_COMPILERS },
      // Flink answers `/jobs/` as `/jobs`.
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
      ...(tls ? { https: { key: readPem(config, RestOptions.SSL_KEY_FILE), cert: readPem(config, RestOptions.SSL_CERT_FILE) } } : {}),
      // Slow or stalled clients cannot hold a connection or a request forever.
      requestTimeout: config.get(RestOptions.IDLENESS_TIMEOUT),
      connectionTimeout: config.get(RestOptions.IDLENESS_TIMEOUT),
      // What the router refuses before a route runs (an over-long id, a malformed URL) gets Flink's error body too.
      frameworkErrors: (error, _req, reply) => {
        const status = statusOfError(error);
        void (reply as FastifyReply).status(status < 500 ? status : 400).send({ errors: [error.message] });
      },
      schemaErrorFormatter: (errors, dataVar) =>
        new Error(
          `Bad request: ${errors
            .map((e) => {
              const where = `${dataVar === 'params' ? 'path parameter' : dataVar === 'querystring' ? 'query parameter' : dataVar} ${e.instancePath.replace(/^\//, '') || ''}`.trim();
              return e.keyword === 'pattern' && e.params.pattern === HEX_ID ? `${where} must be 32 lower-case hex digits` : `${where} ${e.message}`;
            })
            .join('; ')}`,
        ),
      clientErrorHandler: (_error, socket) => {
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"errors":["Bad request"]}');
      },
    });
    app.setValidatorCompiler(validatorCompiler);
    const log = opts.logger ?? SILENT_LOGGER;
    const operations = new AsyncOperations({
      ids: opts.ids ?? new SystemIdGenerator(),
      scheduler: opts.scheduler ?? new SystemScheduler(),
      clock: opts.clock ?? new SystemClock(),
      storeDurationMs: config.get(RestOptions.ASYNC_STORE_DURATION),
      maxOperations: config.get(RestOptions.ASYNC_MAX_OPERATIONS),
    });
    const token = config.get(RestOptions.AUTHENTICATION_TOKEN);
    if (token !== undefined) {
      app.addHook('onRequest', async (req, reply) => {
        if (!hasToken(req.headers.authorization, token)) {
          return reply.status(401).header('www-authenticate', 'Bearer realm="flott"').send({ errors: ['Unauthorized: this cluster requires Authorization: Bearer <rest.authentication.token>'] });
        }
      });
    }
    app.setErrorHandler((error, req, reply) => {
      const status = statusOfError(error);
      const message = error instanceof Error ? error.message : String(error);
      if (status >= 500) log.error({ err: error, url: req.url }, `REST handler failed: ${message}`);
      void reply.status(status).send({ errors: status >= 500 ? ['Internal server error.', message] : [message] });
    });
    app.setNotFoundHandler((req, reply) => void reply.status(404).send({ errors: [`Not found: ${req.method} ${req.url.slice(0, 200)}`] }));
    const ctx: RouteContext = {
      dispatcher: opts.dispatcher,
      cluster: opts.cluster,
      configuration: config,
      clock: opts.clock ?? new SystemClock(),
      operations,
      maxContentLength,
    };
    registerClusterHandlers(app, ctx);
    registerJobHandlers(app, ctx);
    registerSubmitHandler(app, ctx);
    registerCheckpointHandlers(app, ctx);
    registerSavepointHandlers(app, ctx);
    registerVertexHandlers(app, ctx);

    const host = config.get(RestOptions.BIND_ADDRESS) ?? '0.0.0.0';
    let lastError: unknown;
    for (const port of bindPorts(config)) {
      try {
        await app.listen({ host, port });
        const bound = (app.server.address() as AddressInfo).port;
        const advertised = config.get(RestOptions.ADDRESS) ?? (host === '0.0.0.0' ? 'localhost' : host);
        log.info({ port: bound }, `REST endpoint listening at ${host}:${bound}`);
        return new RestServerEndpoint(app, operations, bound, `${tls ? 'https' : 'http'}://${advertised}:${bound}`);
      } catch (e) {
        lastError = e;
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    await app.close();
    operations.close();
    throw new ConfigurationError(`The REST endpoint could not bind ${host} at ${config.get(RestOptions.BIND_PORT) ?? config.get(RestOptions.PORT)}: ${(lastError as Error).message}`, { key: 'rest.bind-port' });
  }

  async close(): Promise<void> {
    this.operations.close();
    await this.app.close();
  }
}
