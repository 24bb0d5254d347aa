import { serializeError } from '@flott/core';
import type { Socket } from 'node:net';
import type { Logger } from '../logging/logger';
import type { Cancellable, Scheduler } from '../time/clock';
import { FrameDecoder, FrameEncoder, type WireMessage } from './frame-codec';
import { RpcAuthenticationError, RpcConnectionError, RpcFrameTooLargeError, RpcOutboundQueueFullError } from './rpc-errors';
import type { RpcReply, RpcRequest, RpcRequestHandler } from './rpc-transport';
import { PROTOCOL_VERSION, handshakeMac, macMatches, newNonce } from './tcp-handshake';

export interface TcpConnectionOptions {
  /** The client connected (and speaks second in the handshake); the server accepted. */
  readonly role: 'client' | 'server';
  /** The peer's base address (client) or its host:port (server): named in errors and logs. */
  readonly peer: string;
  /** security.internal.secret; both sides must hold the same one, or neither. */
  readonly secret?: string;
  readonly tls: boolean;
  readonly maxFrameBytes: number;
  readonly maxQueuedBytes: number;
  /** rpc.connect-timeout: the connection and the handshake must be done within it. */
  readonly handshakeTimeoutMs: number;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Serves the requests the peer sends on this connection. */
  readonly handler: RpcRequestHandler;
}

/** What an unauthenticated peer may make this side buffer: handshake messages are tiny. */
const HANDSHAKE_MAX_FRAME_BYTES = 1024;

/** TLS errors that mean the other side's certificate (or its absence) was refused. */
const TLS_AUTH_ERROR = /^ERR_SSL_|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT/;

interface Pending {
  readonly resolve: (reply: RpcReply) => void;
  readonly reject: (e: Error) => void;
}

/**
 * One TCP (or TLS) connection carrying frames both ways (docs/rpc.md): the handshake first, then
 * requests multiplexed by id. When it closes, for whatever reason, every pending request rejects at
 * once with the cause and the close listeners run; a closed connection is never reused.
 */
export class TcpConnection {
  private state: 'handshake' | 'open' | 'closed' = 'handshake';
  private readonly encoder = new FrameEncoder();
  private readonly decoder = new FrameDecoder(HANDSHAKE_MAX_FRAME_BYTES);
  private readonly pending = new Map<number, Pending>();
  private readonly closeListeners = new Set<(cause: Error) => void>();
  /** Frames written before the handshake completed (a client's first calls). */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private nextId = 1;
  private closeCause?: Error;
  private serverNonce?: Uint8Array;
  private clientNonce?: Uint8Array;
  private readonly handshakeTimer: Cancellable;
  private onReady!: () => void;
  private onFailed!: (e: Error) => void;
  /** Resolves when the handshake is done; rejects with the reason the connection closed before. */
  readonly ready = new Promise<void>((resolve, reject) => {
    this.onReady = resolve;
    this.onFailed = reject;
  });

  constructor(private readonly socket: Socket, private readonly opts: TcpConnectionOptions) {
    void this.ready.catch(() => undefined);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => this.close(this.describe(e)));
    socket.on('close', () => this.close(this.closedByPeer()));
    this.handshakeTimer = opts.scheduler.schedule(opts.handshakeTimeoutMs, () =>
      this.refuseOrClose(`not connected and authenticated within ${opts.handshakeTimeoutMs} ms (rpc.connect-timeout)`),
    );
    if (opts.role === 'server') {
      this.serverNonce = newNonce();
      this.send({ t: 'hello', v: PROTOCOL_VERSION, nonce: this.serverNonce, secret: opts.secret !== undefined });
    }
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Calls `listener` once when the connection closes (at once if it is closed). */
  onClose(listener: (cause: Error) => void): Cancellable {
    if (this.closeCause) {
      const cause = this.closeCause;
      let cancelled = false;
      queueMicrotask(() => cancelled || listener(cause));
      return { cancel: () => (cancelled = true) };
    }
    this.closeListeners.add(listener);
    return { cancel: () => this.closeListeners.delete(listener) };
  }

  request(request: RpcRequest, signal: AbortSignal): Promise<RpcReply> {
    if (this.closeCause) return Promise.reject(this.closeCause);
    const id = this.nextId++;
    return new Promise<RpcReply>((resolve, reject) => {
      try {
        this.write(this.encode({ t: 'req', id, ep: request.endpoint, m: request.method, a: request.args, ft: request.fencingToken }, request));
      } catch (e) {
        reject(e);
        return;
      }
      this.pending.set(id, { resolve, reject });
      signal.addEventListener('abort', () => this.pending.delete(id), { once: true });
    });
  }

  tell(request: RpcRequest): void {
    if (this.closeCause) throw this.closeCause;
    this.write(this.encode({ t: 'tell', ep: request.endpoint, m: request.method, a: request.args, ft: request.fencingToken }, request));
  }

  /** Closes with `cause`; `flush` sends what was written first (a refusal), else the socket is dropped. */
  close(cause: Error, flush = false): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeCause = cause;
    this.handshakeTimer.cancel();
    if (flush) this.socket.end();
    else this.socket.destroy();
    this.queued = [];
    this.onFailed(cause);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(cause);
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    for (const l of listeners) l(cause);
  }

  private encode(message: WireMessage, request: RpcRequest): Buffer {
    const { frame, payloadBytes } = this.encoder.encode(message, this.opts.maxFrameBytes);
    if (!frame) throw new RpcFrameTooLargeError(`${this.opts.peer}/${request.endpoint}`, request.method, payloadBytes, this.opts.maxFrameBytes);
    return frame;
  }

  /** Writes a frame or queues it until the handshake is done, within rpc.outbound-queue.max-bytes. */
  private write(frame: Buffer): void {
    const waiting = this.state === 'open' ? this.socket.writableLength : this.queuedBytes;
    if (waiting + frame.length > this.opts.maxQueuedBytes) throw new RpcOutboundQueueFullError(this.opts.peer, waiting + frame.length, this.opts.maxQueuedBytes);
    if (this.state === 'open') {
      this.socket.write(frame);
    } else {
      this.queued.push(frame);
      this.queuedBytes += frame.length;
    }
  }

  /** A handshake or control message: written at once, never queued. */
  private send(message: WireMessage): void {
    const { frame } = this.encoder.encode(message, HANDSHAKE_MAX_FRAME_BYTES);
    if (frame) this.socket.write(frame);
  }

  private onData(chunk: Buffer): void {
    let messages: WireMessage[];
    try {
      messages = this.decoder.push(chunk);
    } catch (e) {
      this.refuseOrClose(`unreadable frame: ${(e as Error).message}`, e);
      return;
    }
    for (const message of messages) {
      if (this.state === 'closed') return;
      if (this.state === 'open') this.onMessage(message);
      else if (this.opts.role === 'server') this.onClientHandshake(message);
      else this.onServerHandshake(message);
    }
  }

  /** Client side: hello → auth; welcome → open; refused → RpcAuthenticationError. */
  private onServerHandshake(m: WireMessage): void {
    const { secret } = this.opts;
    if (m.t === 'hello') {
      if (m.v !== PROTOCOL_VERSION) return this.failAuthentication(`the server speaks RPC protocol version ${m.v}, this process ${PROTOCOL_VERSION}`);
      if (!m.secret && secret !== undefined) return this.failAuthentication('the server does not authenticate with security.internal.secret, but this process has one');
      this.serverNonce = m.nonce;
      this.clientNonce = newNonce();
      const mac = m.secret && secret !== undefined ? handshakeMac(secret, 'client', m.nonce, this.clientNonce) : undefined;
      this.send({ t: 'auth', nonce: this.clientNonce, ...(mac ? { mac } : {}) });
    } else if (m.t === 'welcome' && this.clientNonce && this.serverNonce) {
      if (secret !== undefined && !macMatches(handshakeMac(secret, 'server', this.serverNonce, this.clientNonce), m.mac)) {
        return this.failAuthentication("the server's proof of security.internal.secret is wrong");
      }
      this.open();
    } else if (m.t === 'refused') {
      this.failAuthentication(`refused by the server: ${m.reason}`);
    } else {
      this.failAuthentication(`unexpected '${m.t}' message in the handshake`);
    }
  }

  /** Server side: the client's auth must prove the secret (when there is one) before anything else. */
  private onClientHandshake(m: WireMessage): void {
    const { secret } = this.opts;
    if (m.t !== 'auth' || !(m.nonce instanceof Uint8Array) || !this.serverNonce) return this.refuseOrClose(`expected the handshake, got a '${m.t}' message`);
    if (secret !== undefined) {
      if (m.mac === undefined) return this.refuseOrClose('the client presented no shared secret (security.internal.secret is not set there)');
      if (!macMatches(handshakeMac(secret, 'client', this.serverNonce, m.nonce), m.mac)) return this.refuseOrClose('wrong shared secret (security.internal.secret)');
    }
    this.send({ t: 'welcome', ...(secret !== undefined ? { mac: handshakeMac(secret, 'server', this.serverNonce, m.nonce) } : {}) });
    this.open();
  }

  private open(): void {
    this.state = 'open';
    this.handshakeTimer.cancel();
    this.decoder.maxBytes = this.opts.maxFrameBytes;
    for (const frame of this.queued) this.socket.write(frame);
    this.queued = [];
    this.queuedBytes = 0;
    this.onReady();
  }

  private failAuthentication(reason: string): void {
    this.close(new RpcAuthenticationError(this.opts.peer, reason));
  }

  /** Before authentication, a server refuses (telling the client why, and logging it); after it, the connection just closes. */
  private refuseOrClose(reason: string, cause?: unknown): void {
    if (this.opts.role === 'server' && this.state === 'handshake') {
      this.opts.logger.warn({ remote: this.opts.peer, reason }, `Refused an RPC connection from ${this.opts.peer}: ${reason}`);
      this.send({ t: 'refused', reason });
      this.close(new RpcAuthenticationError(this.opts.peer, reason), true);
      return;
    }
    this.opts.logger.warn({ remote: this.opts.peer, reason }, `Closed the RPC connection with ${this.opts.peer}: ${reason}`);
    this.close(new RpcConnectionError(this.opts.peer, reason, { cause }));
  }

  private onMessage(m: WireMessage): void {
    if (m.t === 'res' || m.t === 'err') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m.t === 'res' ? { ok: true, value: m.v } : { ok: false, error: m.e });
    } else if (m.t === 'req' || m.t === 'tell') {
      const request: RpcRequest = { endpoint: m.ep, method: m.m, args: m.a ?? [], ...(m.ft !== undefined ? { fencingToken: m.ft } : {}) };
      void this.opts.handler(request).then((reply) => {
        if (m.t === 'req') this.reply(m.id, request, reply);
        // A one-way message has nobody to tell of its failure but the log.
        else if (!reply.ok) this.opts.logger.warn({ remote: this.opts.peer, method: request.method, err: reply.error }, `One-way RPC ${request.endpoint}.${request.method} failed: ${reply.error.message}`);
      });
    } else {
      this.refuseOrClose(`unexpected '${m.t}' message after the handshake`);
    }
  }

  private reply(id: number, request: RpcRequest, reply: RpcReply): void {
    if (this.state === 'closed') return;
    const message: WireMessage = reply.ok ? { t: 'res', id, v: reply.value } : { t: 'err', id, e: reply.error };
    try {
      this.write(this.encode(message, request));
    } catch (e) {
      // Too large or not encodable: the caller gets that error instead of waiting for its timeout.
      this.opts.logger.warn({ err: e, method: request.method }, `RPC reply to ${request.method} could not be sent`);
      try {
        this.write(this.encode({ t: 'err', id, e: serializeError(e) }, request));
      } catch {
        // The outbound queue is full: the caller's ask timeout ends its wait.
      }
    }
  }

  /**
   * Why the peer closed. A TLS server that refuses this client's certificate may just close (with
   * TLS 1.3 the client's side of the TLS handshake is already done): before the server's hello, a
   * client takes that as the refusal it almost always is.
   */
  private closedByPeer(): Error {
    if (this.state === 'handshake' && this.opts.tls && this.opts.role === 'client' && !this.serverNonce) {
      return new RpcAuthenticationError(this.opts.peer, 'TLS: the server closed the connection before the handshake; it did not accept this certificate (security.ssl.internal.keystore or security.ssl.internal.cert)');
    }
    return new RpcConnectionError(this.opts.peer, 'the connection was closed');
  }

  /** A socket error as the caller should see it: a refused certificate during the handshake is an authentication failure. */
  private describe(e: NodeJS.ErrnoException): Error {
    if (this.state === 'handshake' && this.opts.tls && TLS_AUTH_ERROR.test(e.code ?? '')) {
      return new RpcAuthenticationError(this.opts.peer, `TLS: ${e.message}`, { cause: e });
    }
    return new RpcConnectionError(this.opts.peer, e.code ? `${e.code}: ${e.message}` : e.message, { cause: e });
  }
}
