import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Configuration } from '@flott/core';
import { SystemScheduler } from '@flott/runtime';
import { ClusterUnreachableError, RestRequestError, RestTransport } from './rest-transport';

/** A real HTTP server answering each request with `handler`; it records what it was asked. */
async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: Array<{ method?: string; url?: string; authorization?: string }> = [];
  const s = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => s.close(() => r())) };
}

const transport = (url: string, entries: Record<string, unknown> = {}) => new RestTransport(url, Configuration.fromRecord(entries), new SystemScheduler());

describe('RestTransport', () => {
  it('sends the bearer token and reads the JSON answer', async () => {
    const s = await server((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"jobs":[]}'));
    try {
      await expect(transport(s.url, { 'rest.authentication.token': 't0k' }).call({ method: 'GET', path: '/jobs' })).resolves.toEqual({ jobs: [] });
      expect(s.seen).toEqual([{ method: 'GET', url: '/jobs', authorization: 'Bearer t0k' }]);
    } finally {
      await s.close();
    }
  });

  it("rejects a 4xx with the server's errors as the message, and does not retry it", async () => {
    const s = await server((_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":["Job x not found"]}'));
    try {
      const error = await transport(s.url).call({ method: 'GET', path: '/jobs/x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RestRequestError);
      expect(error).toMatchObject({ httpStatus: 404, message: 'Job x not found' });
      expect(s.seen).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('reports an answer that is not JSON by its status and text; sends a JSON body as application/json', async () => {
    let contentType: string | undefined;
    const s = await server((req, res) => {
      contentType = req.headers['content-type'];
      res.writeHead(502).end('<html>bad gateway</html>');
    });
    try {
      await expect(transport(s.url).call({ method: 'POST', path: '/jobs/x/stop', body: Buffer.from('{}') })).rejects.toMatchObject({ httpStatus: 502, message: 'HTTP 502 <html>bad gateway</html>' });
      expect(contentType).toBe('application/json');
    } finally {
      await s.close();
    }
  });

  it('refuses an answer larger than rest.client.max-content-length', async () => {
    const s = await server((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ big: 'x'.repeat(4096) })));
    try {
      await expect(transport(s.url, { 'rest.client.max-content-length': '1 kb' }).call({ method: 'GET', path: '/overview' })).rejects.toThrow(
        'The answer to GET /overview exceeds rest.client.max-content-length (1024 bytes)',
      );
    } finally {
      await s.close();
    }
  });

  it('retries while nothing listens, rest.retry.max-attempts times, then names the address', async () => {
    const s = await server(() => undefined);
    const { url } = s;
    await s.close();
    const error = await transport(url, { 'rest.retry.max-attempts': 2, 'rest.retry.delay': '5 ms' }).call({ method: 'GET', path: '/jobs' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterUnreachableError);
    expect((error as Error).message).toBe(
      `Could not reach a Flott cluster's REST endpoint at ${url} (connection refused, 3 attempt(s)). Is the cluster running? Point at it with -m host:port, or rest.address and rest.port.`,
    );
  });

  it('gives up on a server that does not answer within rest.idleness-timeout', async () => {
    const s = await server(() => undefined); // accepts, never answers
    try {
      await expect(transport(s.url, { 'rest.idleness-timeout': '100 ms', 'rest.retry.max-attempts': 0 }).call({ method: 'GET', path: '/jobs' })).rejects.toThrow(
        'GET /jobs got no answer within rest.idleness-timeout',
      );
    } finally {
      s.seen.length = 0;
      await s.close();
    }
  });

  it('calls an HTTPS endpoint whose certificate security.ssl.rest.trust-cert-file trusts, and refuses it otherwise', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-rest-client-tls-'));
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const s = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(s.address() as AddressInfo).port}`;
    try {
      await expect(transport(url, { 'security.ssl.rest.trust-cert-file': cert }).call({ method: 'GET', path: '/config' })).resolves.toEqual({ ok: true });
      await expect(transport(url, { 'rest.retry.max-attempts': 0 }).call({ method: 'GET', path: '/config' })).rejects.toThrow(/self[- ]signed/);
      expect(() => transport(url, { 'security.ssl.rest.trust-cert-file': path.join(dir, 'missing.pem') })).toThrow(/security.ssl.rest.trust-cert-file: cannot read .*missing.pem/);
    } finally {
      await new Promise<void>((r) => s.close(() => r()));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
