/**
 * The HTTP service Async I/O tests and the bench enrich from: `GET /enrich/<id>` answers
 * `{"id": <id>, "name": "item-<id>"}` after a delay, on loopback (port 0). Per request it may answer
 * an error (503) or hang (never answer, until the client gives up or the service closes), as the test
 * decides by id and attempt. It counts requests, attempts per id and the requests in flight (the most
 * at once too), which is how tests see the operator's capacity from the outside.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestBehavior = 'ok' | 'error' | 'hang';

export interface EnrichmentServiceOptions {
  /** Each answer's delay in ms, drawn uniformly from [min, max] by a generator seeded with `seed`. */
  readonly delayMs: { readonly min: number; readonly max: number };
  readonly seed?: number;
  /** What request `attempt` (1: the first) for `id` gets; always 'ok' unless given. */
  readonly behavior?: (id: number, attempt: number) => RequestBehavior;
}

/** mulberry32: a small seeded generator, so a seed reproduces a test's delays. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class EnrichmentService {
  /** Attempts per id (requests that reached the service). */
  readonly attempts = new Map<number, number>();
  /** Per id, requests to be answered 'ok' that the client gave up on first (an aborted fetch under load): each makes one attempt more. */
  readonly abandonedAnswers = new Map<number, number>();
  requests = 0;
  inFlight = 0;
  maxInFlight = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(options: EnrichmentServiceOptions): Promise<EnrichmentService> {
    const random = seeded(options.seed ?? 1);
    const { min, max } = options.delayMs;
    let service!: EnrichmentService;
    const server = http.createServer((req, res) => service.handle(req, res, min + Math.floor(random() * (max - min + 1)), options.behavior));
    server.keepAliveTimeout = 60_000;
    // A backlog for a thousand connections opened at once (the bench's capacity 1000); Node's 511 makes the rest retry their SYN a second later.
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
    service = new EnrichmentService(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return service;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, delay: number, behavior?: (id: number, attempt: number) => RequestBehavior): void {
    const match = /^\/enrich\/(-?\d+)$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const id = Number(match[1]);
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    this.requests++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const what = behavior?.(id, attempt) ?? 'ok';
    let open = true;
    const done = () => {
      if (!open) return;
      open = false;
      this.inFlight--;
    };
    // A client that gives up (an aborted fetch) closes the request: it is no longer in flight.
    res.on('close', () => {
      if (open && what === 'ok') this.abandonedAnswers.set(id, (this.abandonedAnswers.get(id) ?? 0) + 1);
      done();
    });
    if (what === 'hang') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (what === 'error') res.writeHead(503).end('unavailable');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, name: `item-${id}` }));
      done();
    }, delay);
    this.timers.add(timer);
  }

  /** Stops listening, drops hung requests and every open connection. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
