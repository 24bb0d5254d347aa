import Ajv from 'ajv';

/** Flink's OpenAPI document, parsed (shared/specs/flink-rest-v1-dispatcher.yml). */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>>;
  readonly components: { schemas: Record<string, Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> }> };
}

/**
 * Validates answers against the response schemas of Flink's REST spec with ajv. Where Flink's real
 * JSON and its generated spec differ, the real JSON wins (docs/rest-api.md): a job's `plan` is an
 * object (Flink writes it with @JsonRawValue), resource ids are names (the spec's 32-hex pattern fits
 * neither Flink's nor Flott's), and an operation's result is one of two object schemas without
 * required fields that every object matches both of, so its `oneOf` is read as `anyOf`.
 */
export class FlinkRestSpec {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });

  constructor(private readonly spec: OpenApiDocument) {
    const schemas = structuredClone(spec.components.schemas);
    schemas.ResourceID = { type: 'string' };
    schemas.JobDetailsInfo.properties!.plan = { type: 'object' };
    const operation = schemas.AsynchronousOperationResult.properties!.operation;
    operation.anyOf = operation.oneOf;
    delete operation.oneOf;
    for (const f of ['int32', 'int64', 'double', 'binary', 'byte']) this.ajv.addFormat(f, true);
    this.ajv.addSchema({ $id: 'spec', components: { schemas } });
  }

  /** The JSON schema of the answer to `method specPath` with `status`, its $refs resolved against the spec. */
  responseSchema(method: string, specPath: string, status: string): Record<string, unknown> {
    const schema = this.spec.paths[specPath]?.[method]?.responses?.[status]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`the spec has no JSON answer for ${method.toUpperCase()} ${specPath} ${status}`);
    return JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"spec#/components'));
  }

  /** Throws, naming what does not match, unless `body` fits `schema`. */
  check(schema: object, body: unknown, what: string): void {
    const validate = this.ajv.compile(schema);
    if (!validate(body)) throw new Error(`${what} does not match the spec: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
  }

  /** Throws unless `body` is what the spec says `method specPath` answers with `status`. */
  checkAnswer(method: string, specPath: string, status: string, body: unknown): void {
    this.check(this.responseSchema(method.toLowerCase(), specPath, status), body, `${method.toUpperCase()} ${specPath} ${status}`);
  }
}
