import type { Random } from '@flott/runtime';
import { buildMultipart } from '../multipart';
import { request, type HttpAnswer } from './http';

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
}

/** What the requests aim at: an existing job and one of its vertices, and the server's body limit. */
export interface FuzzTarget {
  readonly jobId: string;
  readonly vertexId: string;
  /** rest.server.max-content-length of the server. */
  readonly maxContentLength: number;
}

/** Malformed requests of every kind a REST endpoint must answer with a 4xx, drawn from a seeded Random. */
export class MalformedRequests {
  constructor(
    private readonly random: Random,
    private readonly target: FuzzTarget,
  ) {}

  private int(n: number): number {
    return Math.floor(this.random.nextDouble() * n);
  }
  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** 1 to maxLength characters (never empty: `/taskmanagers/` + '' would be a valid path). */
  private junk(maxLength: number): string {
    const alphabet = 'abcdefXYZ0123456789-_.~%/\\:;"\'<>{}[]()!@#$^&*+= \u00e9\u4e2d';
    let s = '';
    for (let i = 0, n = 1 + this.int(maxLength); i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  badId(): string {
    return this.pick([
      '%20',
      'abc',
      'A'.repeat(32),
      'g'.repeat(32),
      '0'.repeat(31),
      '0'.repeat(33),
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..\\..\\windows',
      encodeURIComponent(this.junk(40)),
      `${'a'.repeat(32)}%00`,
      '-1',
      'x'.repeat(300),
    ]);
  }

  badJson(): string {
    return this.pick(['{', '[1,2', '{"target-directory": 5}', '{"drain": "yes"}', '{"triggerId": "../../x"}', '{"checkpointType": "SOMETIMES"}', 'null x', '\u0000', this.junk(60), '{"cancel-job": 1}', '{"targetDirectory": ""}']);
  }

  next(): FuzzRequest {
    const job = this.target.jobId;
    switch (this.int(9)) {
      case 0: // a bad id where a job, vertex, trigger, checkpoint or TaskManager id goes
        return {
          method: 'GET',
          path: this.pick([
            `/jobs/${this.badId()}`,
            `/jobs/${this.badId()}/plan`,
            `/jobs/${this.badId()}/exceptions`,
            `/jobs/${job}/vertices/${this.badId()}`,
            `/jobs/${job}/vertices/${this.badId()}/backpressure`,
            `/jobs/${job}/savepoints/${this.badId()}`,
            `/jobs/${job}/checkpoints/${this.badId()}`,
            `/jobs/${job}/checkpoints/details/${this.pick(['-1', 'abc', '1e99', '99999999999999999999', '1.5'])}`,
            `/taskmanagers/${this.badId()}`,
            `/flott/jobs/${this.badId()}/result`,
          ]),
        };
      case 1: // path traversal and unknown paths (jars and blobs are not served from disk)
        return { method: 'GET', path: this.pick(['/../../etc/passwd', '/jars/../../etc/passwd', `/jars/${this.badId()}/run`, '/blob/%2e%2e/%2e%2e/x', `/jobs/${job}/../../../etc/passwd`, `/${this.junk(30).replace(/[^a-z0-9/._-]/gi, '')}x`]) };
      case 2: // malformed JSON or wrong field types on the trigger endpoints
        return { method: 'POST', path: this.pick([`/jobs/${job}/savepoints`, `/jobs/${job}/stop`, `/jobs/${job}/checkpoints`, '/jobs']), headers: { 'content-type': 'application/json' }, body: this.badJson() };
      case 3: // a trigger on a job that does not exist, or with an unsupported content type
        return this.pick([
          { method: 'POST', path: `/jobs/${'f'.repeat(32)}/savepoints`, headers: { 'content-type': 'application/json' }, body: '{}' },
          { method: 'POST', path: `/jobs/${job}/stop`, headers: { 'content-type': 'text/plain' }, body: this.junk(50) },
          { method: 'POST', path: `/jobs/${job}/savepoints`, headers: { 'content-type': 'application/xml' }, body: '<x/>' },
        ]);
      case 4: // wrong methods
        return { method: this.pick(['DELETE', 'PUT', 'POST', 'PATCH']), path: this.pick(['/overview', '/config', '/taskmanagers', `/jobs/${job}/plan`, `/jobs/${job}/vertices/${this.target.vertexId}`, '/jobmanager/config']) };
      case 5: // bad query parameters
        return this.pick([
          { method: 'GET', path: `/jobs/${job}/exceptions?maxExceptions=${this.pick(['-1', 'abc', '1e400', '', '%00'])}` },
          { method: 'PATCH', path: `/jobs/${job}?mode=${this.pick(['foo', 'stop', '', 'CANCEL&mode=x'])}` },
          // A valid cancel (extra parameters are ignored) of a job that does not exist: 404, never a cancellation.
          { method: 'PATCH', path: `/jobs/${'f'.repeat(32)}?mode=cancel&extra=${encodeURIComponent(this.junk(5))}` },
        ]);
      case 6: // bodies over rest.server.max-content-length
        return { method: 'POST', path: this.pick([`/jobs/${job}/savepoints`, '/jobs']), headers: { 'content-type': this.pick(['application/json', 'multipart/form-data; boundary=b']) }, body: Buffer.alloc(this.target.maxContentLength + 1 + this.int(this.target.maxContentLength), 0x20) };
      case 7: // malformed multipart submissions
        return { method: 'POST', path: '/jobs', ...this.badSubmission() };
      default: // garbage headers and bodies on GET endpoints
        return { method: 'GET', path: `/jobs/${this.badId()}/config`, headers: { 'content-type': 'application/json' }, body: this.badJson() };
    }
  }

  private badSubmission(): { headers: Record<string, string>; body: Buffer } {
    const boundary = 'fuzz-boundary';
    const headers = { 'content-type': this.pick([`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', 'multipart/form-data; boundary=']) };
    const request = this.pick(['{}', '{"jobGraphFileName": "g.json"}', '{"jobGraphFileName": "g.json", "jobJarFileNames": ["../../etc/passwd"]}', '{"jobGraphFileName": "g.json", "jobJarFileNames": ["j.js"]}', this.badJson()]);
    const graph = this.pick([
      '{}',
      this.badJson(),
      JSON.stringify({ jobGraph: { jobId: '../x', vertices: [] }, args: [], configuration: {} }),
      JSON.stringify({ jobGraph: { jobId: this.target.jobId, jobName: 'x', jobType: 'STREAMING', executeIndex: 0, maxParallelism: 1, vertices: [{ id: this.target.vertexId }] }, args: [], configuration: {} }),
      JSON.stringify({ jobGraph: null, args: 'x', configuration: [] }),
    ]);
    const parts = [
      { name: 'request', data: Buffer.from(request) },
      { name: 'file_0', filename: 'g.json', data: Buffer.from(graph) },
      ...(this.int(2) === 0 ? [{ name: 'file_1', filename: 'j.js', data: Buffer.from('export {}') }] : []),
    ];
    const body = buildMultipart(parts, boundary);
    // Sometimes cut the body short or break its framing.
    const cut = this.pick([body, body.subarray(0, this.int(body.length)), Buffer.from(this.junk(200)), Buffer.concat([body.subarray(0, 40), Buffer.from('\r\n\r\n--fuzz')])]);
    return { headers, body: cut };
  }
}

/** Sends one request; a transport error (not an HTTP answer) comes back as `error`. */
export async function sendFuzzRequest(url: string, r: FuzzRequest): Promise<{ answer: HttpAnswer } | { error: string }> {
  try {
    return { answer: await request(`${url}${r.path}`, { method: r.method, headers: r.headers, body: r.body, rawPath: r.path, timeoutMs: 10_000 }) };
  } catch (e) {
    return { error: String(e) };
  }
}

/** What a fuzz run found: answers that were not a 4xx with Flott's error body, and the statuses seen. */
export interface FuzzOutcome {
  readonly wrong: string[];
  readonly statuses: ReadonlyMap<number, number>;
}

/** Sends `count` malformed requests to the REST endpoint at `url`, 16 at a time, and checks every answer. */
export async function fuzzRestEndpoint(url: string, random: Random, target: FuzzTarget, count: number): Promise<FuzzOutcome> {
  const generator = new MalformedRequests(random, target);
  const requests = Array.from({ length: count }, () => generator.next());
  const wrong: string[] = [];
  const statuses = new Map<number, number>();
  for (let i = 0; i < requests.length; i += 16) {
    const batch = requests.slice(i, i + 16);
    const answers = await Promise.all(batch.map((r) => sendFuzzRequest(url, r)));
    answers.forEach((answer, j) => {
      const r = batch[j];
      if ('error' in answer) {
        // A body over the limit may be cut off by the server's early 413 while the client still writes it.
        if (!/EPIPE|ECONNRESET/.test(answer.error) || (r.body?.length ?? 0) <= target.maxContentLength) wrong.push(`${r.method} ${r.path}: ${answer.error}`);
        return;
      }
      const a = answer.answer;
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      let errors: unknown;
      try {
        errors = a.json<{ errors?: unknown }>().errors;
      } catch {
        errors = undefined;
      }
      if (a.status < 400 || a.status >= 500 || !Array.isArray(errors)) wrong.push(`${r.method} ${r.path} → ${a.status} ${a.text.slice(0, 200)}`);
    });
  }
  return { wrong, statuses };
}
