import { createHash } from 'node:crypto';
import { lazyAjv, lazyValidator } from '../lazy-validator';
import type { FastifyInstance } from 'fastify';
import type { JobGraph } from '@flott/runtime';
import { parseMultipart } from '../multipart';
import { RestHandlerError, statusOfError } from '../rest-errors';
import { HEX_ID, type RouteContext } from './route-context';

/** The job graph file of a submission: what the Dispatcher needs besides the bundle. */
export interface JobGraphFile {
  readonly jobGraph: JobGraph;
  readonly args: readonly string[];
  readonly configuration: Record<string, unknown>;
}

/** Flink's JobSubmitRequestBody: which uploaded file is which. */
interface JobSubmitRequest {
  readonly jobGraphFileName: string;
  readonly jobJarFileNames: readonly string[];
}

const ajv = lazyAjv({ allErrors: false });

const validateRequest = lazyValidator<JobSubmitRequest>(ajv, {
  type: 'object',
  required: ['jobGraphFileName', 'jobJarFileNames'],
  properties: {
    jobGraphFileName: { type: 'string', minLength: 1, maxLength: 1024 },
    jobJarFileNames: { type: 'array', minItems: 1, maxItems: 1, items: { type: 'string', minLength: 1, maxLength: 1024 } },
    jobArtifactFileNames: { type: 'array', maxItems: 0 },
  },
});

const id = { type: 'string', pattern: HEX_ID };
const count = { type: 'integer', minimum: 1, maximum: 32768 };
// The parts of the JobGraph the Dispatcher and JobMaster read before they could reject it themselves.
const validateJobGraphFile = lazyValidator<JobGraphFile>(ajv, {
  type: 'object',
  required: ['jobGraph', 'args', 'configuration'],
  properties: {
    args: { type: 'array', maxItems: 10_000, items: { type: 'string' } },
    configuration: { type: 'object' },
    jobGraph: {
      type: 'object',
      required: ['jobId', 'jobName', 'jobType', 'vertices', 'executeIndex', 'maxParallelism'],
      properties: {
        jobId: id,
        jobName: { type: 'string', maxLength: 4096 },
        jobType: { enum: ['STREAMING', 'BATCH'] },
        executeIndex: { type: 'integer', minimum: 0 },
        maxParallelism: { type: 'integer' },
        vertices: {
          type: 'array',
          minItems: 1,
          maxItems: 100_000,
          items: {
            type: 'object',
            required: ['id', 'name', 'parallelism', 'maxParallelism', 'slotSharingGroup', 'isInputVertex', 'operators', 'inputs', 'producedDataSets', 'bufferTimeoutMs'],
            properties: {
              id,
              name: { type: 'string' },
              parallelism: count,
              maxParallelism: count,
              slotSharingGroup: { type: 'string' },
              isInputVertex: { type: 'boolean' },
              operators: { type: 'array', minItems: 1, items: { type: 'object', required: ['operatorId', 'name'], properties: { operatorId: id, name: { type: 'string' } } } },
              inputs: { type: 'array', items: { type: 'object', required: ['dataSetId', 'sourceVertexId', 'targetVertexId', 'partitioner'] } },
              producedDataSets: { type: 'array', items: { type: 'object', required: ['id'] } },
              bufferTimeoutMs: { type: 'integer' },
            },
          },
        },
      },
    },
  },
});

function parseJson(data: Buffer, what: string): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new RestHandlerError(400, `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

function problems(errors: typeof validateRequest.errors): string {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');
}

/**
 * POST /jobs (Flink's JobSubmitHandler): a multipart request with the JSON field `request`, the job
 * graph file (JSON: graph, main's arguments, job configuration) and the bundle as the one "jar".
 * The bundle goes to the blob server under its SHA-256, then the job is submitted.
 */
export function registerSubmitHandler(app: FastifyInstance, ctx: RouteContext): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: ctx.maxContentLength }, (_req, body, done) => done(null, body));

  app.post('/jobs', async (req, reply) => {
    if (!Buffer.isBuffer(req.body)) throw new RestHandlerError(415, 'A job submission is a multipart/form-data request');
    const parts = parseMultipart(req.body, String(req.headers['content-type']), 16);
    const requestPart = parts.find((p) => p.name === 'request' && p.filename === undefined);
    if (!requestPart) throw new RestHandlerError(400, "The submission has no 'request' field");
    const request = parseJson(requestPart.data, "The 'request' field");
    if (!validateRequest(request)) throw new RestHandlerError(400, `Invalid 'request' field: ${problems(validateRequest.errors)}`);
    const file = (name: string) => {
      const part = parts.find((p) => p.filename === name);
      if (!part) throw new RestHandlerError(400, `The submission names file '${name}' but does not upload it`);
      return part.data;
    };
    const graphFile = parseJson(file(request.jobGraphFileName), `Job graph file '${request.jobGraphFileName}'`);
    if (!validateJobGraphFile(graphFile)) throw new RestHandlerError(400, `Invalid job graph file '${request.jobGraphFileName}': ${problems(validateJobGraphFile.errors)}`);
    const bundle = file(request.jobJarFileNames[0]);
    const sha256 = createHash('sha256').update(bundle).digest('hex');
    await ctx.dispatcher.putBlob(sha256, new Uint8Array(bundle));
    let jobId: string;
    try {
      jobId = await ctx.dispatcher.submitJob({ jobGraph: graphFile.jobGraph, artifact: { sha256, size: bundle.byteLength }, args: graphFile.args, configuration: graphFile.configuration });
    } catch (e) {
      // What passed the schema but still cannot be built (an edge to a vertex that does not exist, a
      // configuration value the cluster rejects) is the submission's fault.
      if (statusOfError(e) !== 500) throw e;
      throw new RestHandlerError(400, `The job could not be built from the submission: ${(e as Error).message}`);
    }
    return reply.status(202).send({ jobUrl: `/jobs/${jobId}` });
  });
}
