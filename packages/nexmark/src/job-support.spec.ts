import { ProgramArgumentsError } from '@flott/api-datastream';
import { DEFAULT_NEXMARK_EVENTS, flattenEvent, nexmarkArgs } from './job-support';

describe('nexmarkArgs', () => {
  it('defaults to 100 000 events, no rate limit and no output file', () => {
    expect(nexmarkArgs([])).toEqual({ events: DEFAULT_NEXMARK_EVENTS, rate: 0 });
    expect(DEFAULT_NEXMARK_EVENTS).toBe(100_000);
  });

  it('reads --events, --rate, --output (or --out) and leaves other flags to the job', () => {
    expect(nexmarkArgs(['--events', '200000', '--window', '10', '--rate', '5000', '--output', 'q.jsonl'])).toEqual({
      events: 200_000, rate: 5000, output: 'q.jsonl',
    });
    expect(nexmarkArgs(['--out', 'e.jsonl', '--events', 'unbounded'])).toEqual({ events: Infinity, rate: 0, output: 'e.jsonl' });
  });

  it('rejects malformed values with a typed error', () => {
    expect(() => nexmarkArgs(['--events', '-3'])).toThrow(ProgramArgumentsError);
    expect(() => nexmarkArgs(['--events', '1.5'])).toThrow(ProgramArgumentsError);
    expect(() => nexmarkArgs(['--rate', 'fast'])).toThrow(ProgramArgumentsError);
    expect(() => nexmarkArgs(['--output'])).toThrow(ProgramArgumentsError);
    expect(() => nexmarkArgs(['--events', '--rate', '5'])).toThrow(ProgramArgumentsError);
  });
});

describe('flattenEvent', () => {
  it('flattens auctions and persons the same way', () => {
    const auction = { id: 1000, itemName: 'i', description: 'd', initialBid: 1, reserve: 2, dateTime: 3, expires: 4, seller: 1000, category: 10, extra: '' };
    expect(flattenEvent({ type: 'auction', auction })).toEqual({ type: 'auction', ...auction });
    const person = { id: 1000, name: 'n', emailAddress: 'e', creditCard: 'c', city: 'x', state: 'OR', dateTime: 3, extra: '' };
    expect(flattenEvent({ type: 'person', person })).toEqual({ type: 'person', ...person });
  });

  it('puts the type first and the record fields at top level', () => {
    const bid = { auction: 1000, bidder: 1001, price: 5, channel: 'Apple', url: 'u', dateTime: 7, extra: '' };
    expect(JSON.stringify(flattenEvent({ type: 'bid', bid }))).toBe(
      '{"type":"bid","auction":1000,"bidder":1001,"price":5,"channel":"Apple","url":"u","dateTime":7,"extra":""}',
    );
  });
});
