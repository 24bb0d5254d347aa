/**
 * Async I/O: orders enriched with their customer from an HTTP service, without blocking the slot.
 * `AsyncDataStream.orderedWait` keeps up to `--capacity` lookups in flight (the stage back-pressures
 * the source when all are), emits in order, retries failed lookups twice after 50 ms and, after
 * `--timeout` ms, emits the order with an unknown customer instead of failing.
 *
 *   npx flott run examples/async-enrichment/async-enrichment.ts --orders 200 [--url http://host:port] [--capacity 20]
 *
 * Without `--url`, each subtask's function starts a small customer service of its own on loopback
 * in `open()` (customer-service.ts), so the example runs standalone.
 */
import * as http from 'node:http';
import {
  AsyncDataStream,
  AsyncRetryPredicates,
  AsyncRetryStrategies,
  ParameterTool,
  RichAsyncFunction,
  StreamExecutionEnvironment,
  type ResultFuture,
} from '@flott/api-datastream';
import { startCustomerService, type Customer, type RunningService } from './customer-service';

export interface Order {
  readonly id: number;
  readonly customerId: number;
  readonly cents: number;
}

export interface EnrichedOrder extends Order {
  readonly customer: string;
  readonly tier: string;
}

/** Order `i` of the example's deterministic stream. */
export function order(i: number): Order {
  return { id: i, customerId: (i * 7) % 50, cents: 100 + ((i * 37) % 900) };
}

/** Looks each order's customer up; a keep-alive agent (the client pool) lives from open() to close(). */
class CustomerLookup extends RichAsyncFunction<Order, EnrichedOrder> {
  private agent?: http.Agent;
  private service?: RunningService;
  private baseUrl = '';

  constructor(
    private readonly url: string | undefined,
    private readonly capacity: number,
  ) {
    super();
  }

  override async open(): Promise<void> {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: this.capacity });
    if (this.url === undefined) this.service = await startCustomerService();
    this.baseUrl = this.url ?? this.service!.url;
  }

  override async close(): Promise<void> {
    this.agent?.destroy();
    await this.service?.close();
  }

  asyncInvoke(o: Order, resultFuture: ResultFuture<EnrichedOrder>): void {
    http
      .get(`${this.baseUrl}/customers/${o.customerId}`, { agent: this.agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) {
            resultFuture.completeExceptionally(new Error(`customer service answered ${res.statusCode} for customer ${o.customerId}`));
            return;
          }
          const c = JSON.parse(body) as Customer;
          resultFuture.complete([{ ...o, customer: c.name, tier: c.tier }]);
        });
      })
      .on('error', (e) => resultFuture.completeExceptionally(e));
  }

  timeout(o: Order, resultFuture: ResultFuture<EnrichedOrder>): void {
    resultFuture.complete([{ ...o, customer: 'unknown', tier: 'unknown' }]);
  }
}

export default async function main(args: readonly string[]): Promise<void> {
  const params = ParameterTool.fromArgs(args);
  const capacity = params.getInt('capacity', 20);
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const orders = env.fromGenerator(params.getInt('orders', 200), order).name('orders');
  const retry = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<EnrichedOrder>(2, 50).ifException(AsyncRetryPredicates.HAS_EXCEPTION_PREDICATE).build();
  AsyncDataStream.orderedWaitWithRetry(orders, new CustomerLookup(params.get('url'), capacity), params.getInt('timeout', 5000), capacity, retry)
    .name('customer lookup')
    .map((e) => JSON.stringify(e))
    .print();
  await env.execute('async enrichment');
}
