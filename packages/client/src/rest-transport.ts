import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { ConfigurationError, FlottError, type Configuration } from '@flott/core';
import { RestOptions, type Scheduler } from '@flott/runtime';

/** A non-2xx answer of the REST API, with the server's `errors` as the message. */
export class RestRequestError extends FlottError {
  constructor(
    readonly httpStatus: number,
    message: string,
    url: string,
  ) {
    super('REST_REQUEST_FAILED', message, { httpStatus, url });
  }
}

/** No REST endpoint answered at the address, after every retry. */
export class ClusterUnreachableError extends FlottError {
  constructor(url: string, attempts: number, cause: string) {
    super(
      'CLUSTER_UNREACHABLE',
      `Could not reach a Flott cluster's REST endpoint at ${url} (${cause}, ${attempts} attempt(s)). Is the cluster running? ` +
        'Point at it with -m host:port, or rest.address and rest.port.',
      { url, attempts },
    );
  }
}

export interface RestCall {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly body?: Buffer;
  readonly contentType?: string;
}

/** Errors that mean the request never reached a server: safe to send again. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNRESET', 'CONNECT_TIMEOUT']);

/**
 * HTTP(S) calls to one REST endpoint, bounded as the rest.* options say: connect within
 * rest.connection-timeout, an answer within rest.idleness-timeout, at most
 * rest.client.max-content-length bytes of it, and rest.retry.max-attempts retries
 * rest.retry.delay apart while the server cannot be reached (it may be starting).
 */
export class RestTransport {
  private readonly ca?: Buffer;
  private readonly token?: string;

  constructor(
    readonly baseUrl: string,
    private readonly configuration: Configuration,
    private readonly scheduler: Scheduler,
  ) {
    const trust = configuration.get(RestOptions.SSL_TRUST_CERT_FILE);
    if (trust !== undefined) {
      try {
        this.ca = fs.readFileSync(trust);
      } catch (e) {
        throw new ConfigurationError(`security.ssl.rest.trust-cert-file: cannot read ${trust}: ${(e as Error).message}`, { key: 'security.ssl.rest.trust-cert-file' });
      }
    }
    this.token = configuration.get(RestOptions.AUTHENTICATION_TOKEN);
  }

  /** The call's JSON answer; rejects with RestRequestError (4xx/5xx) or ClusterUnreachableError. */
  async call<T>(call: RestCall): Promise<T> {
    const maxRetries = this.configuration.get(RestOptions.RETRY_MAX_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(call);
      } catch (e) {
        const code = String((e as NodeJS.ErrnoException).code);
        if (!NOT_CONNECTED.has(code)) throw e;
        if (attempt > maxRetries) throw new ClusterUnreachableError(this.baseUrl, attempt, code === 'CONNECT_TIMEOUT' ? 'connection timed out' : code.toLowerCase().replace('econnrefused', 'connection refused'));
        await new Promise<void>((resolve) => this.scheduler.schedule(this.configuration.get(RestOptions.RETRY_DELAY), resolve));
      }
    }
  }

  private once<T>(call: RestCall): Promise<T> {
    const url = new URL(call.path, this.baseUrl);
    const lib = url.protocol === 'https:' ? https : http;
    const maxLength = this.configuration.get(RestOptions.CLIENT_MAX_CONTENT_LENGTH);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (call.body !== undefined) {
      headers['content-type'] = call.contentType ?? 'application/json';
      headers['content-length'] = String(call.body.byteLength);
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        reject(e);
      };
      const req = lib.request(url, { method: call.method, headers, ca: this.ca, timeout: this.configuration.get(RestOptions.IDLENESS_TIMEOUT) }, (res) => {
        // An answer's status line came first: it has a status code.
        const status = res.statusCode as number;
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (c: Buffer) => {
          size += c.byteLength;
          if (size > maxLength) {
            res.off('data', onData);
            fail(new RestRequestError(status, `The answer to ${call.method} ${call.path} exceeds rest.client.max-content-length (${maxLength} bytes)`, url.href));
            res.destroy();
            return;
          }
          chunks.push(c);
        };
        res.on('data', onData);
        res.on('error', fail);
        // After 'end' this is a no-op; before it the server went away mid-answer (not retried: the call may have had its effect).
        res.on('close', () => fail(new RestRequestError(status, `The answer to ${call.method} ${call.path} was cut off`, url.href)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? {} : JSON.parse(text);
          } catch {
            json = undefined;
          }
          if (status >= 200 && status < 300 && json !== undefined) return resolve(json as T);
          const errors = (json as { errors?: unknown } | undefined)?.errors;
          const message = Array.isArray(errors) ? errors.join(' ') : `HTTP ${status} ${text.slice(0, 200)}`;
          reject(new RestRequestError(status, message, url.href));
        });
      });
      const connectTimer = this.scheduler.schedule(this.configuration.get(RestOptions.CONNECTION_TIMEOUT), () => {
        const e = Object.assign(new Error('connect timeout'), { code: 'CONNECT_TIMEOUT' });
        req.destroy(e);
      });
      req.on('socket', (socket) => {
        const connected = () => connectTimer.cancel();
        if (!socket.connecting) connected();
        else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
      });
      req.on('timeout', () => req.destroy(new RestRequestError(0, `${call.method} ${call.path} got no answer within rest.idleness-timeout`, url.href)));
      req.on('error', (e) => {
        connectTimer.cancel();
        fail(e);
      });
      req.on('close', () => connectTimer.cancel());
      req.end(call.body);
    });
  }
}
