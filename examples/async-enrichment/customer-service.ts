/**
 * The customer service the example enriches from: `GET /customers/<id>` answers `{"id", "name", "tier"}`
 * after 2–12 ms (by id), `404` for ids below 0. The example starts one on loopback when no `--url`
 * is given; its test starts one and passes the URL.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Customer {
  readonly id: number;
  readonly name: string;
  readonly tier: 'gold' | 'silver' | 'bronze';
}

const TIERS = ['gold', 'silver', 'bronze'] as const;

/** What the service knows of customer `id`. */
export function customer(id: number): Customer {
  return { id, name: `customer-${id}`, tier: TIERS[id % TIERS.length] };
}

export interface RunningService {
  readonly url: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

export async function startCustomerService(): Promise<RunningService> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    const id = Number(/^\/customers\/(-?\d+)$/.exec(req.url ?? '')?.[1] ?? Number.NaN);
    requests++;
    if (!(id >= 0)) {
      res.writeHead(404).end();
      return;
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(customer(id))), 2 + (id % 11));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The example's own service must not keep the slot's thread alive after the job.
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
