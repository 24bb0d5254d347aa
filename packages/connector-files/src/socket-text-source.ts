import { createConnection, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { NO_TIMESTAMP } from '@flott/core';
import type { Cancellable } from '@flott/runtime/common';
import {
  AbstractStreamOperator,
  AVAILABLE,
  AvailabilityNotifier,
  InputStatus,
  type SourceOperator,
} from '@flott/runtime/internal';
import { SocketSourceError } from './connector-errors';

export interface SocketTextSourceOptions {
  /** Most records queued before the socket is paused (TCP then back-pressures the sender). */
  readonly queueCapacity: number;
  /** Wait between reconnection attempts (Flink waits 500 ms). */
  readonly retryDelayMs?: number;
}

/**
 * Flink's socketTextStream: connects in `open()`, splits the byte stream into records at
 * `delimiter` (dropping a "\r" before a "\n" delimiter) and queues them. The queue is bounded: at
 * `queueCapacity` records the socket is paused and resumes once the task drained half of it (one
 * socket chunk may overshoot the bound). When the connection closes, the source reconnects up to
 * `maxRetry` times (negative: forever), then emits any trailing partial record and ends.
 */
export class SocketTextSource extends AbstractStreamOperator<string> implements SourceOperator<string> {
  readonly isSourceOperator = true;
  private socket?: Socket;
  private readonly decoder = new StringDecoder('utf8');
  private pendingText = '';
  private queue: string[] = [];
  private head = 0;
  private paused = false;
  private retries = 0;
  private ended = false;
  private failure?: SocketSourceError;
  private lastError?: Error;
  private reconnectTimer?: Cancellable;
  private readonly notifier = new AvailabilityNotifier();
  private readonly retryDelayMs: number;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly delimiter: string,
    private readonly maxRetry: number,
    private readonly options: SocketTextSourceOptions,
  ) {
    super();
    if (delimiter.length === 0) throw new RangeError('The socket source delimiter must not be empty');
    if (!(options.queueCapacity >= 1)) throw new RangeError(`queueCapacity must be >= 1, got ${options.queueCapacity}`);
    this.retryDelayMs = options.retryDelayMs ?? 500;
  }

  override open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => {
        // The first connection must succeed (as Flink); retries cover connections lost later.
        this.shutDown();
        reject(new SocketSourceError(this.host, this.port, `cannot connect: ${e.message}`, e));
      };
      const socket = this.connect(() => {
        socket.off('error', onError);
        resolve();
      });
      socket.once('error', onError);
    });
  }

  pollNext(maxRecords: number): InputStatus {
    if (this.failure) throw this.failure;
    let n = 0;
    while (n < maxRecords && this.head < this.queue.length) {
      this.output.collect(this.queue[this.head++], NO_TIMESTAMP);
      n++;
    }
    const queued = this.queue.length - this.head;
    if (queued === 0) {
      this.queue = [];
      this.head = 0;
    }
    if (this.paused && queued <= this.options.queueCapacity / 2) {
      this.paused = false;
      this.socket?.resume();
    }
    if (queued > 0) return InputStatus.MORE_AVAILABLE;
    return this.ended ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
  }

  available(): Promise<void> {
    if (this.failure || this.ended || this.head < this.queue.length) return AVAILABLE;
    return this.notifier.next();
  }

  cancel(): void {
    this.shutDown();
    this.notifier.notify();
  }

  override close(): void {
    this.shutDown();
  }

  private shutDown(): void {
    this.ended = true;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(onConnect: () => void): Socket {
    const socket = createConnection({ host: this.host, port: this.port }, () => {
      this.lastError = undefined;
      onConnect();
    });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: Error) => {
      this.lastError = e;
    });
    socket.on('close', () => this.onClose(socket));
    return socket;
  }

  private onData(chunk: Buffer): void {
    let text = this.pendingText + this.decoder.write(chunk);
    let at: number;
    while ((at = text.indexOf(this.delimiter)) >= 0) {
      let record = text.slice(0, at);
      if (this.delimiter === '\n' && record.endsWith('\r')) record = record.slice(0, -1);
      this.queue.push(record);
      text = text.slice(at + this.delimiter.length);
    }
    this.pendingText = text;
    if (!this.paused && this.queue.length - this.head >= this.options.queueCapacity) {
      this.paused = true;
      this.socket?.pause();
    }
    this.notifier.notify();
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket || this.ended) return;
    this.socket = undefined;
    this.paused = false;
    if (this.maxRetry < 0 || this.retries < this.maxRetry) {
      this.retries++;
      this.reconnectTimer = this.env.scheduler.schedule(this.retryDelayMs, () => {
        this.reconnectTimer = undefined;
        if (!this.ended) this.connect(() => {});
      });
      return;
    }
    const error = this.lastError;
    if (error) {
      this.failure = new SocketSourceError(this.host, this.port, `connection failed: ${error.message}`, error);
    } else {
      // As Flink: what follows the last delimiter is a record too.
      const rest = this.pendingText + this.decoder.end();
      this.pendingText = '';
      if (rest.length > 0) this.queue.push(rest);
    }
    this.ended = true;
    this.notifier.notify();
  }
}
