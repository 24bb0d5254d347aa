/**
 * Benchmark job of Async I/O: generator → enrichment → summing sink. `--records N`; `--url URL` enriches
 * each number through `GET <url>/enrich/<n>` (orderedWait, or unorderedWait with `--unordered`; `--capacity C`; node:http with a keep-alive agent of
 * `capacity` sockets: Node's fetch reached about half its rate on this loopback service); otherwise an async
 * stage whose function resolves at once (the cost of the stage itself), or with `--map` the same work as a plain
 * map. The sink counts records and sums the numbers into the `records` and `sum` accumulators.
 */
import * as http from 'node:http';
import { AsyncDataStream, LongCounter, RichSinkFunction, StreamExecutionEnvironment } from '@flott/api-datastream';

interface Row {
  readonly id: number;
  readonly name: string;
}

class SummingSink extends RichSinkFunction<Row> {
  private sum = 0;
  private records = 0;
  override open(): void {
    this.getRuntimeContext().addAccumulator('sum', new LongCounter());
    this.getRuntimeContext().addAccumulator('records', new LongCounter());
  }
  invoke(r: Row): void {
    this.sum += r.id;
    this.records++;
  }
  override close(): void {
    this.getRuntimeContext().getAccumulator<number>('sum')!.add(this.sum);
    this.getRuntimeContext().getAccumulator<number>('records')!.add(this.records);
  }
}

const local = (id: number): Row => ({ id, name: 'local' });

export default async function main(args: readonly string[]): Promise<void> {
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const records = Number(arg('--records') ?? 100_000);
  const capacity = Number(arg('--capacity') ?? 100);
  const url = arg('--url');
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const numbers = env.fromGenerator(records, (i) => i);
  let rows;
  if (args.includes('--map')) {
    rows = numbers.map(local);
  } else if (url === undefined) {
    rows = AsyncDataStream.orderedWait(numbers, (id: number) => Promise.resolve(local(id)), 60_000, capacity);
  } else {
    const agent = new http.Agent({ keepAlive: true, maxSockets: capacity });
    const lookup = (id: number) =>
      new Promise<Row>((resolve, reject) => {
        http
          .get(`${url}/enrich/${id}`, { agent }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as Row) : reject(new Error(`enrichment service answered ${res.statusCode} for ${id}`))));
          })
          .on('error', reject);
      });
    rows = args.includes('--unordered') ? AsyncDataStream.unorderedWait(numbers, lookup, 60_000, capacity) : AsyncDataStream.orderedWait(numbers, lookup, 60_000, capacity);
  }
  rows.addSink(new SummingSink());
  await env.execute('bench-async-enrichment');
}
