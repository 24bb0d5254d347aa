import type { Socket } from 'node:net';
import { serializeError } from '@flott/core';
import type { Cancellable, Scheduler } from '../time/clock';
import { CONNECTION_ERROR, encodeErrorResponse, FrameDecoder, type DataFrame } from './data-frames';
import { DataHandshake } from './data-handshake';
import { RemoteTransportError } from './network-errors';

/** The shared-secret handshake a connection runs before its first frame (security.internal.secret). */
export interface DataConnectionAuth {
  readonly secret: string;
  readonly role: 'client' | 'server';
  /** The handshake must be done within this (taskmanager.network.netty.client.connectTimeoutSec). */
  readonly timeoutMs: number;
  readonly scheduler: Scheduler;
  /** The peer failed to authenticate: called once, before the connection closes. */
  readonly onRefused: (reason: string) => void;
}

/** What a data connection's owner (the partition request server or client of one connection) is told. */
export interface DataConnectionHandler {
  onFrame(frame: DataFrame): void;
  /** The connection is gone: `error` when it failed (refused, reset, a corrupt frame), undefined when the peer ended it. Called once. */
  onClose(error: Error | undefined): void;
}

/**
 * One TCP connection between two TaskManagers, carrying many channels (Flink's Netty channel with its
 * frame decoder). Writes are not queued here beyond the socket's own buffer: what a channel writes is
 * bounded by the credits its consumer granted, and control frames by the number of channels.
 * Main event loop only.
 */
export class DataConnection {
  private closed = false;
  private readonly decoder: FrameDecoder;
  /** While authenticating: the handshake, and the frames written meanwhile (requests and credits: bounded by the channels). */
  private handshake: DataHandshake | undefined;
  private readonly heldFrames: Buffer[] = [];
  private handshakeTimer: Cancellable | undefined;

  constructor(
    private readonly socket: Socket,
    /** `host:port` of the peer's data server (client side) or of the peer's socket (server side), for errors. */
    readonly peerAddress: string,
    maxFrameBytes: number,
    private readonly handler: DataConnectionHandler,
    auth?: DataConnectionAuth,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    if (auth) {
      this.handshake = new DataHandshake(auth.secret, auth.role, (bytes) => socket.write(bytes));
      this.handshakeTimer = auth.scheduler.schedule(auth.timeoutMs, () => this.refuse(auth, `not authenticated within ${auth.timeoutMs} ms`));
    }
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      const handshake = this.handshake;
      if (handshake && auth) {
        const step = handshake.push(chunk);
        if (step.state === 'pending') return;
        if (step.state === 'refused') return this.refuse(auth, step.reason);
        this.handshake = undefined;
        this.handshakeTimer?.cancel();
        for (const frame of this.heldFrames.splice(0)) socket.write(frame);
        if (step.rest.length === 0) return;
        chunk = step.rest;
      }
      try {
        this.decoder.push(chunk, (frame) => {
          if (!this.closed) this.handler.onFrame(frame);
        });
      } catch (e) {
        this.fail(e as Error);
      }
    });
    socket.on('error', (e) => this.closeWith(e));
    socket.on('close', () => this.closeWith(undefined));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(frame: Buffer): void {
    if (this.closed) return;
    if (this.handshake) this.heldFrames.push(frame);
    else this.socket.write(frame);
  }

  /**
   * Tells the peer why (an ErrorResponse for the whole connection, written before the socket closes:
   * not destroyed, so the frame is not dropped), closes, and reports `error` to the handler.
   */
  fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.handshakeTimer?.cancel();
    this.socket.end(encodeErrorResponse(CONNECTION_ERROR, serializeError(error)));
    this.handler.onClose(error);
  }

  /** Ends the connection after what was written; the handler is not told (its owner closes itself). */
  end(lastFrame?: Buffer): void {
    if (this.closed) return;
    this.closed = true;
    this.handshakeTimer?.cancel();
    if (lastFrame) this.socket.end(lastFrame);
    else this.socket.end();
  }

  /** Drops the connection at once (the peer sees a reset or close). */
  destroy(): void {
    this.closed = true;
    this.handshakeTimer?.cancel();
    this.socket.destroy();
  }

  private closeWith(error: Error | undefined): void {
    if (this.closed) return;
    // A peer that hangs up mid-handshake refused us (it did not accept our proof, or wants none).
    if (this.handshake && error === undefined) error = new RemoteTransportError(this.peerAddress, 'the peer closed the connection during authentication (is security.internal.secret the same on both TaskManagers?)');
    this.closed = true;
    this.handshakeTimer?.cancel();
    this.socket.destroy();
    this.handler.onClose(error);
  }

  /** The peer failed the handshake: said, and the connection dropped without a word to the peer. */
  private refuse(auth: DataConnectionAuth, reason: string): void {
    if (this.closed) return;
    auth.onRefused(reason);
    this.closeWith(new RemoteTransportError(this.peerAddress, `authentication failed: ${reason}`));
  }
}
