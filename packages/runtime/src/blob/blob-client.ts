import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { deserializeError, FlottError, type SerializedError } from '@flott/core';
import { BLOB_AUTH_HEADER, blobRequestSignature } from './blob-server';
import { BlobCorruptError, BlobTooLargeError, checkBlobKey } from './blob-store';
import { tlsClientOptions, type TcpTlsMaterial } from '../security/tls-material';

export interface BlobClientOptions {
  /** The blob server, `http://host:port` (or `https://` with internal TLS). */
  readonly address: string;
  /** The cluster's internal secret, when internal traffic is authenticated. */
  readonly secret?: string;
  /** security.ssl.internal.*: this process's certificate, and the one(s) it trusts the server's by. */
  readonly tls?: TcpTlsMaterial;
  /** blob.server.max-size: a download larger than this is aborted. */
  readonly maxBytes: number;
  /** An upload or download that takes longer fails. */
  readonly timeoutMs: number;
}

export class BlobTransferError extends FlottError {
  constructor(address: string, key: string, reason: string, options?: { cause?: unknown }) {
    super('BLOB_TRANSFER_FAILED', `Job bundle ${key} could not be transferred from/to the blob server at ${address}: ${reason}`, { address, sha256: key }, options);
  }
}

/** Talks to a BlobServer: what a client uploads a job's bundle with and a TaskManager fetches it with (verified on arrival). */
export class BlobClient {
  constructor(private readonly opts: BlobClientOptions) {}

  async upload(key: string, data: Uint8Array): Promise<void> {
    checkBlobKey(key);
    const { status, body } = await this.request('PUT', key, data);
    if (status !== 201) throw this.errorOf(key, status, body);
  }

  /** The bundle, after checking its size and that it hashes to its key. */
  async download(key: string): Promise<Uint8Array> {
    checkBlobKey(key);
    const { status, body } = await this.request('GET', key);
    if (status !== 200) throw this.errorOf(key, status, body);
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== key) throw new BlobCorruptError(key, actual);
    return body;
  }

  private request(method: 'GET' | 'PUT', key: string, data?: Uint8Array): Promise<{ status: number; body: Uint8Array }> {
    const url = new URL(`/blobs/${key}`, this.opts.address);
    const headers: Record<string, string | number> = {};
    if (this.opts.secret !== undefined) headers[BLOB_AUTH_HEADER] = blobRequestSignature(this.opts.secret, method, url.pathname);
    if (data) headers['content-length'] = data.byteLength;
    return new Promise((resolve, reject) => {
      const material = this.opts.tls;
      const options = { method, headers, timeout: this.opts.timeoutMs };
      const onResponse = (res: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.opts.maxBytes) {
            req.destroy(new BlobTooLargeError(size, this.opts.maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: new Uint8Array(Buffer.concat(chunks)) }));
        res.on('error', reject);
      };
      const req = url.protocol === 'https:'
        ? https.request(url, { ...options, ...(material ? tlsClientOptions(material) : {}) }, onResponse)
        : http.request(url, options, onResponse);
      req.on('timeout', () => req.destroy(new BlobTransferError(this.opts.address, key, `no answer within ${this.opts.timeoutMs} ms`)));
      req.on('error', (e) => reject(FlottError.isFlottError(e) ? e : new BlobTransferError(this.opts.address, key, e.message, { cause: e })));
      req.end(data);
    });
  }

  private errorOf(key: string, status: number, body: Uint8Array): Error {
    try {
      const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { error?: SerializedError };
      if (parsed.error?.code) return deserializeError(parsed.error);
    } catch {
      // not our JSON: described by the status below
    }
    return new BlobTransferError(this.opts.address, key, `HTTP ${status}`);
  }
}
