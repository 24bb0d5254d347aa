import { parsePrinted, runExample, runExampleAsync } from '../run-example';
import { customer, startCustomerService } from './customer-service';
import { order, type EnrichedOrder } from './async-enrichment';

const expected = (n: number): EnrichedOrder[] =>
  Array.from({ length: n }, (_, i) => {
    const o = order(i);
    const c = customer(o.customerId);
    return { ...o, customer: c.name, tier: c.tier };
  });

describe('async-enrichment example', () => {
  it('standalone (its own loopback service): every order with its customer, in order', () => {
    const r = runExample(['examples/async-enrichment/async-enrichment.ts', '--orders', '150']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => parsePrinted<EnrichedOrder>(l))).toEqual(expected(150));
  });

  it('against a service given by --url, at parallelism 2: every order once, each subtask in order', async () => {
    const service = await startCustomerService();
    try {
      const r = await runExampleAsync(['-p', '2', '-D', 'taskmanager.numberOfTaskSlots=2', 'examples/async-enrichment/async-enrichment.ts', '--orders', '300', '--url', service.url, '--capacity', '5']);
      expect(r.code).toBe(0);
      const got = r.lines.map((l) => parsePrinted<EnrichedOrder>(l));
      expect([...got].sort((a, b) => a.id - b.id)).toEqual(expected(300));
      expect(service.requests()).toBe(300);
      // orderedWait: each subtask prints its orders in the order its source splits were read (ascending ids).
      // Which subtask reads which split is up to the split enumerator (a late reader may get none under load).
      const bySubtask = ['1> ', '2> '].map((subtask) => r.lines.filter((l) => l.startsWith(subtask)).map((l) => parsePrinted<EnrichedOrder>(l).id));
      expect(bySubtask.flat()).toHaveLength(300);
      for (const ids of bySubtask) expect(ids).toEqual([...ids].sort((a, b) => a - b));
    } finally {
      await service.close();
    }
  });
});
