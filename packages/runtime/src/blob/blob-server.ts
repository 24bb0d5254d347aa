import { createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { FlottError, serializeError } from '@flott/core';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import { certificateRefusal, tlsServerOptions, type TcpTlsMaterial } from '../security/tls-material';
import { BlobStore, checkBlobKey } from './blob-store';

/** Header carrying HMAC-SHA256(secret, "<METHOD> <path>") when internal traffic is authenticated: the secret never crosses the wire. */
export const BLOB_AUTH_HEADER = 'x-flott-blob-auth';

/** The request signature for `method` on `pathname` with `secret`. */
export function blobRequestSignature(secret: string, method: string, pathname: string): string {
  return createHmac('sha256', secret).update(`${method} ${pathname}`).digest('hex');
}

export interface BlobServerOptions {
  readonly store: BlobStore;
  /** Address to bind (jobmanager.bind-host). */
  readonly host: string;
  /** The host others reach this one by (jobmanager.rpc.address); the bind host when not given. */
  readonly advertisedHost?: string;
  /** blob.server.port; 0 picks a free one. */
  readonly port: number;
  /** Shared secret of internal traffic: requests without its signature are refused (401). */
  readonly secret?: string;
  /** security.ssl.internal.*: HTTPS, and a client without a certificate this server trusts is refused (401), as on RPC. */
  readonly tls?: TcpTlsMaterial;
  /** blob.fetch.num-concurrent: connections served at once; more wait in the backlog. */
  readonly maxConnections: number;
  /** A request (upload or download) that takes longer is aborted. */
  readonly requestTimeoutMs: number;
  readonly logger?: Logger;
}

/**
 * The JobManager's blob server (Flink's BlobServer) over HTTP: `PUT /blobs/<sha256>` uploads a job
 * bundle (streamed, bounded by blob.server.max-size, verified against its key before it becomes
 * visible), `GET /blobs/<sha256>` downloads one. A key is 64 hex digits and nothing else, so no request
 * reaches outside the store's folder. Every failure is a 4xx with a JSON error; the server stays up.
 */
export class BlobServer {
  private readonly server: http.Server;
  private readonly log: Logger;
  private boundPort = 0;

  constructor(private readonly opts: BlobServerOptions) {
    this.log = (opts.logger ?? SILENT_LOGGER).child({ component: 'BlobServer' });
    const handle = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    const material = opts.tls;
    // The client certificate is checked per request (not by the TLS layer), so a refusal is logged and answered with its reason.
    this.server = material
      ? https.createServer(tlsServerOptions(material), handle)
      : http.createServer(handle);
    this.server.maxConnections = opts.maxConnections;
    this.server.requestTimeout = opts.requestTimeoutMs;
    this.server.headersTimeout = Math.min(opts.requestTimeoutMs, 60_000);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    this.log.info({ port: this.boundPort }, `Blob server listening on ${this.opts.host}:${this.boundPort}.`);
    return this.address;
  }

  get port(): number {
    return this.boundPort;
  }

  /** `http://host:port`, for clients and TaskManagers. */
  get address(): string {
    const bound = this.opts.host === '0.0.0.0' || this.opts.host === '::' ? '127.0.0.1' : this.opts.host;
    const host = this.opts.advertisedHost ?? bound;
    return `${this.opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${this.boundPort}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const pathname = (req.url ?? '').split('?')[0];
    try {
      const match = /^\/blobs\/([^/]*)$/.exec(pathname);
      if (!match) throw new BlobHttpError(404, 'NOT_FOUND', `No such resource: ${pathname.slice(0, 100)}`);
      this.authenticate(req, pathname);
      const key = decodeURIComponent(match[1]);
      checkBlobKey(key);
      if (req.method === 'GET') return this.download(key, res);
      if (req.method === 'PUT') return await this.upload(key, req, res);
      res.setHeader('allow', 'GET, PUT');
      throw new BlobHttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${pathname}`);
    } catch (e) {
      this.fail(req, res, e);
    }
  }

  private authenticate(req: http.IncomingMessage, pathname: string): void {
    const refusal = this.opts.tls ? certificateRefusal(req.socket as TLSSocket, this.opts.tls) : undefined;
    if (refusal) {
      this.log.warn({ remote: req.socket.remoteAddress, method: req.method, reason: refusal }, `Refused a blob request from ${req.socket.remoteAddress}: ${refusal}.`);
      throw new BlobHttpError(401, 'UNAUTHENTICATED', `The request has no client certificate the blob server trusts: ${refusal}`);
    }
    const secret = this.opts.secret;
    if (secret === undefined) return;
    const given = String(req.headers[BLOB_AUTH_HEADER] ?? '');
    const expected = blobRequestSignature(secret, req.method ?? '', pathname);
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      this.log.warn({ remote: req.socket.remoteAddress, method: req.method }, `Refused an unauthenticated blob request from ${req.socket.remoteAddress}: ${given ? 'wrong signature' : 'no signature'}.`);
      throw new BlobHttpError(401, 'UNAUTHENTICATED', 'The request is not signed with the cluster\'s internal secret');
    }
  }

  private download(key: string, res: http.ServerResponse): void {
    const { size, stream } = this.opts.store.open(key);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    stream.pipe(res);
    stream.once('error', (err) => res.destroy(err));
  }

  private async upload(key: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.opts.store.maxBytes) {
      res.setHeader('connection', 'close');
      throw new BlobHttpError(413, 'BLOB_TOO_LARGE', `Job bundle of ${declared} bytes exceeds blob.server.max-size (${this.opts.store.maxBytes} bytes)`);
    }
    const size = await this.opts.store.putStream(key, req);
    this.log.info({ sha256: key, size }, `Stored job bundle ${key} (${size} bytes).`);
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sha256: key, size }));
  }

  private fail(req: http.IncomingMessage, res: http.ServerResponse, e: unknown): void {
    const status = e instanceof BlobHttpError ? e.status : statusOf(e);
    if (status >= 500) this.log.error({ err: e, url: req.url }, 'Blob request failed.');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // An upload refused before its body was read: the rest of the body is not waited for.
    if (req.method === 'PUT' && !req.complete) res.setHeader('connection', 'close');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: serializeError(e) }));
    if (!req.complete) req.resume();
  }
}

class BlobHttpError extends FlottError {
  constructor(readonly status: number, code: string, message: string) {
    super(code, message);
  }
}

function statusOf(e: unknown): number {
  switch ((e as { code?: unknown }).code) {
    case 'BAD_BLOB_KEY':
      return 400;
    case 'BLOB_NOT_FOUND':
      return 404;
    case 'BLOB_TOO_LARGE':
      return 413;
    case 'BLOB_CORRUPT':
      return 422;
    default:
      return 500;
  }
}
