import type { Socket } from 'node:net';
import { serializeError } from '@flott/core';
import { CONNECTION_ERROR, encodeErrorResponse, FrameDecoder, type DataFrame } from './data-frames';

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

  constructor(
    private readonly socket: Socket,
    /** `host:port` of the peer's data server (client side) or of the peer's socket (server side), for errors. */
    readonly peerAddress: string,
    maxFrameBytes: number,
    private readonly handler: DataConnectionHandler,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
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
    if (!this.closed) this.socket.write(frame);
  }

  /**
   * Tells the peer why (an ErrorResponse for the whole connection, written before the socket closes:
   * not destroyed, so the frame is not dropped), closes, and reports `error` to the handler.
   */
  fail(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end(encodeErrorResponse(CONNECTION_ERROR, serializeError(error)));
    this.handler.onClose(error);
  }

  /** Ends the connection after what was written; the handler is not told (its owner closes itself). */
  end(lastFrame?: Buffer): void {
    if (this.closed) return;
    this.closed = true;
    if (lastFrame) this.socket.end(lastFrame);
    else this.socket.end();
  }

  /** Drops the connection at once (the peer sees a reset or close). */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private closeWith(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.handler.onClose(error);
  }
}
