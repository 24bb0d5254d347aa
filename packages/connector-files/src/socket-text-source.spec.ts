import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '@flott/core';
import { SystemClock, SystemScheduler, type Cancellable, type Scheduler } from '@flott/runtime';
import { InputStatus } from '@flott/runtime/internal';
import { SourceOperatorTestHarness } from '@flott/runtime/testing';
import { SocketSourceError } from './connector-errors';
import { SocketTextSource } from './socket-text-source';

/** Real time for sockets; timers run at once so reconnection tests do not wait 500 ms. */
class ImmediateScheduler implements Scheduler {
  readonly delays: number[] = [];
  schedule(delayMs: number, fn: () => void): Cancellable {
    this.delays.push(delayMs);
    return new SystemScheduler().schedule(0, fn);
  }
  scheduleAtFixedRate(periodMs: number, fn: () => void): Cancellable {
    return new SystemScheduler().scheduleAtFixedRate(periodMs, fn);
  }
}

function realTime(scheduler: Scheduler = new SystemScheduler()): Clock & Scheduler {
  const clock = new SystemClock();
  return {
    currentTimeMillis: () => clock.currentTimeMillis(),
    relativeTimeMillis: () => clock.relativeTimeMillis(),
    schedule: (d, fn) => scheduler.schedule(d, fn),
    scheduleAtFixedRate: (p, fn) => scheduler.scheduleAtFixedRate(p, fn),
  };
}

/** A server on 127.0.0.1:0 that hands each connection to the next handler. */
async function startServer(...handlers: Array<(socket: Socket) => void>): Promise<{ server: Server; port: number; connections: () => number }> {
  let n = 0;
  const server = createServer((socket) => {
    const h = handlers[Math.min(n, handlers.length - 1)];
    n++;
    h(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, connections: () => n };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function source(port: number, delimiter = '\n', maxRetry = 0, queueCapacity = 1024) {
  return new SocketTextSource('127.0.0.1', port, delimiter, maxRetry, { queueCapacity });
}

describe('SocketTextSource', () => {
  it('emits the lines a server sends (\\n and \\r\\n), the trailing partial line, then ends when the server closes', async () => {
    const { server, port } = await startServer((s) => {
      s.write('hello\r\nwor');
      setTimeout(() => s.end('ld\n\nünïcode\nno newline at end'), 20);
    });
    servers.push(server);
    const h = new SourceOperatorTestHarness(source(port), { clock: realTime() });
    expect(await h.run()).toEqual(['hello', 'world', '', 'ünïcode', 'no newline at end']);
    expect(h.statuses).toContain(InputStatus.NOTHING_AVAILABLE);
  });

  it('splits at a custom multi-character delimiter and keeps \\r when the delimiter is not \\n', async () => {
    const { server, port } = await startServer((s) => s.end('a||b\r||c'));
    servers.push(server);
    expect(await new SourceOperatorTestHarness(source(port, '||'), { clock: realTime() }).run()).toEqual(['a', 'b\r', 'c']);
  });

  it('pauses the socket when the bounded queue is full and resumes as the task drains it', async () => {
    const total = 5000;
    const { server, port } = await startServer((s) => {
      // Many small writes so the source sees many chunks.
      let i = 0;
      const writeSome = (): void => {
        while (i < total) {
          const ok = s.write(`line-${i++}\n`);
          if (!ok) return void s.once('drain', writeSome);
        }
        s.end();
      };
      writeSome();
    });
    servers.push(server);
    const capacity = 10;
    const op = source(port, '\n', 0, capacity);
    const h = new SourceOperatorTestHarness(op, { clock: realTime() });
    await h.open();
    let maxQueued = 0;
    const queued = (): number => (op as unknown as { queue: string[]; head: number }).queue.length - (op as unknown as { head: number }).head;
    for (;;) {
      maxQueued = Math.max(maxQueued, queued());
      const s = h.pollNext(3);
      if (s === InputStatus.END_OF_INPUT) break;
      if (s === InputStatus.NOTHING_AVAILABLE) await op.available();
      else await new Promise((r) => setImmediate(r));
    }
    await h.close();
    expect(h.output.values()).toEqual(Array.from({ length: total }, (_, i) => `line-${i}`));
    // Bounded: at most the capacity plus the lines of the one chunk that crossed it (<= 64 KiB / 7 bytes).
    expect(maxQueued).toBeLessThan(capacity + 65536 / 7);
    expect(maxQueued).toBeGreaterThanOrEqual(capacity);
  });

  it('reconnects up to maxRetry times after the connection closes, then ends', async () => {
    const { server, port, connections } = await startServer(
      (s) => s.end('first\n'),
      (s) => s.end('second\n'),
      (s) => s.end('never read\n'),
    );
    servers.push(server);
    const scheduler = new ImmediateScheduler();
    const h = new SourceOperatorTestHarness(source(port, '\n', 1), { clock: realTime(scheduler) });
    expect(await h.run()).toEqual(['first', 'second']);
    expect(connections()).toBe(2);
    expect(scheduler.delays).toEqual([500]);
  });

  it('fails open() with an error naming host and port when nothing listens', async () => {
    const { server, port } = await startServer(() => {});
    await new Promise((r) => server.close(r));
    const h = new SourceOperatorTestHarness(source(port), { clock: realTime() });
    const opened = h.open();
    await expect(opened).rejects.toThrow(SocketSourceError);
    await expect(opened).rejects.toThrow(`127.0.0.1:${port}: cannot connect`);
  });

  it('cancel closes the connection and ends the source', async () => {
    let serverSideClosed!: Promise<void>;
    const { server, port } = await startServer((s) => {
      serverSideClosed = new Promise<void>((resolve) => s.on('close', () => resolve()));
      s.write('a\n');
    });
    servers.push(server);
    const h = new SourceOperatorTestHarness(source(port), { clock: realTime() });
    await h.open();
    while (h.pollNext(10) === InputStatus.NOTHING_AVAILABLE && h.output.values().length === 0) await h.operator.available();
    h.operator.cancel();
    expect(h.pollNext(10)).toBe(InputStatus.END_OF_INPUT);
    expect(h.output.values()).toEqual(['a']);
    await serverSideClosed;
    await h.close();
  });
});
