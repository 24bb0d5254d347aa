import { NO_TIMESTAMP } from '@flott/core';
import { createChannelSelector, createLocalChannel, defaultNetworkConfig, InputGate, ResultPartition } from '../network';
import { drainReady } from '../network/testing-fixtures/network-harness';
import { fieldAggregation, byAggregation, fieldSelector } from '../operators/aggregations';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { canonicalKey } from '../util/canonical-key';
import { CombiningRecordWriterOutput, RecordWriterOutput } from './chain-outputs';

/** A combining output over a real partition of two subpartitions (hash by the key), read by two gates. */
function combining<T>(opts: { keyOf: (v: T) => unknown; combine: (a: T, b: T) => T; maxKeys?: number }) {
  const config = defaultNetworkConfig();
  const serializer = msgpackSerializer<unknown>();
  const partition = new ResultPartition<unknown>({ partitionId: 'p', numSubpartitions: 2, config, serializer });
  const gates = [0, 1].map((s) => {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer });
    const ch = createLocalChannel();
    partition.attachConsumer(s, ch.producer);
    gate.connectChannel(0, ch.consumer);
    return gate;
  });
  const keySelector = (v: unknown) => opts.keyOf(v as T);
  const selector = createChannelSelector<unknown>('hash', { numChannels: 2, producerSubtask: 0, keySelector, maxParallelism: 128, random: () => 0 });
  const writer = new RecordWriterOutput(partition, selector, false);
  const copy = serializer.createCopier?.() as (v: unknown) => unknown;
  const output = new CombiningRecordWriterOutput(writer, keySelector, (a, b) => opts.combine(a as T, b as T), copy, opts.maxKeys ?? 1000,
    (key) => canonicalKey(key, (reason) => new Error(reason)));
  const received = () => {
    partition.flushAll();
    return gates.flatMap((g) => drainReady(g)).flatMap((r) => (r.kind === 'record' ? [r.value as T] : []));
  };
  return { output, received, partition };
}

type WordCount = [string, number];
const sum = fieldAggregation<WordCount>('sum', 1);
/** What the API gives local aggregation: the in-place fold into its own copies where there is one. */
const owned = <T>(a: { combine: (x: T, y: T) => T; combineOwned?: (x: T, y: T) => T }) => a.combineOwned ?? a.combine;

describe('local aggregation before a shuffle (BATCH)', () => {
  it('sends one combined record per key, only when flushed, with the sums a keyed sum downstream would reach', () => {
    const { output, received } = combining<WordCount>({ keyOf: ([w]) => w, combine: owned(sum) });
    const words = 'a b a c b a a'.split(' ');
    for (const w of words) output.collect([w, 1], 5);
    expect(received()).toEqual([]);
    output.flush();
    expect(received().sort()).toEqual([['a', 4], ['b', 2], ['c', 1]]);
    expect([output.recordsIn, output.recordsOut]).toEqual([7, 3]);
    output.collect(['a', 10], NO_TIMESTAMP);
    output.flush();
    expect(received()).toEqual([['a', 10]]);
  });

  it('holds copies: a producer that reuses its output object changes nothing held', () => {
    const { output, received } = combining<{ k: string; n: number; tags: string[] }>({
      keyOf: (r) => r.k, combine: owned(fieldAggregation<{ k: string; n: number; tags: string[] }>('sum', 'n')),
    });
    const reused = { k: 'x', n: 1, tags: ['first'] };
    output.collect(reused, NO_TIMESTAMP);
    reused.k = 'y';
    reused.tags.push('changed');
    output.collect(reused, NO_TIMESTAMP);
    reused.k = 'x';
    output.collect(reused, NO_TIMESTAMP); // folded into the held copy of x, not into the producer's object
    expect(reused).toEqual({ k: 'x', n: 1, tags: ['first', 'changed'] });
    output.flush();
    expect(received().sort((a, b) => a.k.localeCompare(b.k))).toEqual([{ k: 'x', n: 2, tags: ['first'] }, { k: 'y', n: 1, tags: ['first', 'changed'] }]);
  });

  it('keeps minBy/maxBy semantics: the extreme record itself, the first of ties', () => {
    const { output, received } = combining<[string, number, string]>({
      keyOf: ([k]) => k, combine: byAggregation<[string, number, string]>('min', fieldSelector(1), true).combine,
    });
    for (const r of [['k', 5, 'a'], ['k', 3, 'b'], ['k', 3, 'c'], ['j', 9, 'd'], ['k', 4, 'e']] as Array<[string, number, string]>) output.collect(r, NO_TIMESTAMP);
    output.flush();
    expect(received().sort()).toEqual([['j', 9, 'd'], ['k', 3, 'b']]);
  });

  it('sends everything held when a new key would exceed max-keys, and before a watermark', () => {
    const { output, received, partition } = combining<WordCount>({ keyOf: ([w]) => w, combine: owned(sum), maxKeys: 2 });
    for (const w of ['a', 'b', 'a', 'c', 'c']) output.collect([w, 1], NO_TIMESTAMP);
    expect(received().sort()).toEqual([['a', 2], ['b', 1]]);
    output.collect(['c', 1], NO_TIMESTAMP);
    output.emitWatermark(Number.MAX_VALUE);
    expect(received()).toEqual([['c', 3]]);
    expect(partition.numRecordsOut).toBe(3);
  });

  it('groups composite keys by value, not by object', () => {
    const { output, received } = combining<{ key: [string, number]; n: number }>({
      keyOf: (r) => r.key, combine: owned(fieldAggregation<{ key: [string, number]; n: number }>('sum', 'n')),
    });
    output.collect({ key: ['a', 1], n: 1 }, NO_TIMESTAMP);
    output.collect({ key: ['a', 1], n: 2 }, NO_TIMESTAMP);
    output.collect({ key: ['a', 2], n: 4 }, NO_TIMESTAMP);
    output.collect({ key: 'a' as unknown as [string, number], n: 8 }, NO_TIMESTAMP);
    output.flush();
    expect(received().map((r) => r.n).sort((a, b) => a - b)).toEqual([3, 4, 8]);
  });
});
