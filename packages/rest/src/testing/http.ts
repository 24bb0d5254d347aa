import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  json<T = unknown>(): T;
}

/** One real HTTP(S) request against a test server, bounded by `timeoutMs`. */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; ca?: Buffer; timeoutMs?: number; rawPath?: string } = {},
): Promise<HttpAnswer> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      // A connection per request: a connection the server closes after refusing a body (413) is never reused by another.
      { host: u.hostname, port: u.port, path: opts.rawPath ?? `${u.pathname}${u.search}`, method: opts.method ?? 'GET', headers: withLength(opts.headers, opts.body), ca: opts.ca, timeout: opts.timeoutMs ?? 10_000, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${opts.method ?? 'GET'} ${url} did not answer within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** The headers with a content-length for `body` (unless given): a body without one would be sent chunked, even on a GET. */
function withLength(headers: Record<string, string> | undefined, body: Buffer | string | undefined): Record<string, string> | undefined {
  if (body === undefined || Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'content-length')) return headers;
  return { ...headers, 'content-length': String(Buffer.byteLength(body)) };
}
