/**
 * Micro benchmark of the data plane (not a test). After `tsc -b`, run
 *   node packages/cli/dist/bench/network-channel.js [records]
 * It prints records/s for: a baseline loop (msgpackr encode + decode, no channel), the same-thread
 * channel, and a MessagePort channel between two worker threads (msgpack and a hand-written codec).
 */
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'worker_threads';
import { Packr, Unpackr, REUSE_BUFFER_MODE, RESET_BUFFER_MODE } from 'msgpackr';
import { binaryCodecSerializer, type BinaryCodec, type RecordSerializer } from '@flott/core';
import {
  ResultPartition,
  InputGate,
  ElementKind,
  defaultNetworkConfig,
  msgpackSerializer,
  consumerEndpointFromPort,
  createLocalChannel,
  producerEndpointFromPort,
} from '@flott/runtime/internal';

interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  dateTime: number;
}

type Utf8Buffer = Buffer & { utf8Write(s: string, offset: number, max?: number): number; utf8Slice(start: number, end: number): string };

const bidCodec: BinaryCodec<Bid> = {
  maxEncodedLength: (b) => 40 + (b.channel.length + b.url.length) * 3,
  write(b, target, offset) {
    target.writeDoubleLE(b.auction, offset);
    target.writeDoubleLE(b.bidder, offset + 8);
    target.writeDoubleLE(b.price, offset + 16);
    target.writeDoubleLE(b.dateTime, offset + 24);
    const n = (target as Utf8Buffer).utf8Write(b.channel, offset + 40);
    const m = (target as Utf8Buffer).utf8Write(b.url, offset + 40 + n);
    target.writeUInt16LE(n, offset + 32);
    target.writeUInt16LE(m, offset + 34);
    return offset + 40 + n + m;
  },
  read(source, offset) {
    const n = source.readUInt16LE(offset + 32);
    const m = source.readUInt16LE(offset + 34);
    return {
      auction: source.readDoubleLE(offset),
      bidder: source.readDoubleLE(offset + 8),
      price: source.readDoubleLE(offset + 16),
      dateTime: source.readDoubleLE(offset + 24),
      channel: (source as Utf8Buffer).utf8Slice(offset + 40, offset + 40 + n),
      url: (source as Utf8Buffer).utf8Slice(offset + 40 + n, offset + 40 + n + m),
    };
  },
};

const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const URLS = CHANNELS.map((c) => `https://www.nexmark.com/${c.toLowerCase()}/item.htm?query=1&channel_id=`);
/** About the size of a Nexmark bid (~110 bytes as msgpack). */
function makeBid(i: number): Bid {
  return {
    auction: 1000 + (i % 977), bidder: 2000 + (i % 1311), price: (i % 10_000) + 0.5, channel: CHANNELS[i & 3],
    url: URLS[i & 3] + (i % 1000), dateTime: 1_700_000_000_000 + i,
  };
}

function serializerOf(codec: string): RecordSerializer<Bid> {
  return codec === 'binary' ? binaryCodecSerializer(bidCodec) : msgpackSerializer<Bid>();
}

async function produce(partition: ResultPartition<Bid>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (!partition.isAvailable()) await partition.whenAvailable();
    partition.emit(makeBid(i), i, 0);
  }
  partition.finish();
}

async function consume(gate: InputGate): Promise<{ count: number; checksum: number }> {
  let count = 0;
  let checksum = 0;
  while (!gate.isFinished()) {
    for (let el = gate.pollNext(); el !== undefined; el = gate.pollNext()) {
      if (el.kind === ElementKind.RECORD) {
        count++;
        checksum = (checksum + (el.value as Bid).auction) % 1_000_000_007;
      }
    }
    if (!gate.isFinished()) await gate.whenAvailable();
  }
  return { count, checksum };
}

function expectedChecksum(n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) c = (c + makeBid(i).auction) % 1_000_000_007;
  return c;
}

interface WorkerArgs {
  role: 'produce' | 'consume';
  port: MessagePort;
  n: number;
  codec: string;
}

async function runWorker(args: WorkerArgs): Promise<void> {
  const config = defaultNetworkConfig();
  const serializer = serializerOf(args.codec);
  if (args.role === 'produce') {
    const partition = new ResultPartition<Bid>({ partitionId: 'bench', numSubpartitions: 1, config, serializer });
    partition.attachConsumer(0, producerEndpointFromPort(args.port));
    parentPort?.once('message', () => {
      produce(partition, args.n).then(() => parentPort?.postMessage({ produced: args.n }));
    });
    parentPort?.postMessage({ ready: true });
  } else {
    const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: serializer as RecordSerializer<unknown> });
    gate.connectChannel(0, consumerEndpointFromPort(args.port));
    parentPort?.postMessage({ ready: true });
    const result = await consume(gate);
    gate.release();
    parentPort?.postMessage(result);
  }
}

function once(worker: Worker): Promise<Record<string, number | boolean>> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function betweenWorkers(n: number, codec: string): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const producer = new Worker(__filename, { workerData: { role: 'produce', port: port1, n, codec }, transferList: [port1] });
  const consumer = new Worker(__filename, { workerData: { role: 'consume', port: port2, n, codec }, transferList: [port2] });
  await Promise.all([once(producer), once(consumer)]);
  const t0 = performance.now();
  const done = once(consumer);
  producer.postMessage('go');
  const result = await done;
  const ms = performance.now() - t0;
  if (result.count !== n || result.checksum !== expectedChecksum(n)) throw new Error(`lost records: ${JSON.stringify(result)}`);
  await Promise.all([producer.terminate(), consumer.terminate()]);
  return n / (ms / 1000);
}

async function sameThread(n: number, codec: string): Promise<number> {
  const config = defaultNetworkConfig();
  const serializer = serializerOf(codec);
  const partition = new ResultPartition<Bid>({ partitionId: 'bench', numSubpartitions: 1, config, serializer });
  const gate = new InputGate({ gateIndex: 0, numChannels: 1, config, serializer: serializer as RecordSerializer<unknown> });
  const ch = createLocalChannel();
  partition.attachConsumer(0, ch.producer);
  gate.connectChannel(0, ch.consumer);
  const t0 = performance.now();
  const [result] = await Promise.all([consume(gate), produce(partition, n)]);
  const ms = performance.now() - t0;
  if (result.count !== n || result.checksum !== expectedChecksum(n)) throw new Error('lost records');
  return n / (ms / 1000);
}

function baseline(n: number): number {
  const packr = new Packr({ sequential: true });
  const unpackr = new Unpackr({ sequential: true });
  // The fastest hand-written use of msgpackr: one reused scratch buffer, no slices.
  const range = { start: 0, end: 0 };
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const out = packr.pack(makeBid(i), REUSE_BUFFER_MODE | RESET_BUFFER_MODE) as Buffer & { start: number; end: number };
    range.start = out.start;
    range.end = out.end;
    checksum = (checksum + (unpackr.unpack(out, range) as Bid).auction) % 1_000_000_007;
  }
  const ms = performance.now() - t0;
  if (checksum !== expectedChecksum(n)) throw new Error('baseline mismatch');
  return n / (ms / 1000);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2_000_000);
  const rows: Array<[string, number]> = [];
  const median = async (f: () => Promise<number> | number): Promise<number> => {
    const runs = [await f(), await f(), await f()].sort((a, b) => a - b);
    return runs[1];
  };
  rows.push(['baseline: msgpackr pack+unpack loop, one thread', await median(() => baseline(n))]);
  rows.push(['same thread, local channel, msgpack', await median(() => sameThread(n, 'msgpack'))]);
  rows.push(['same thread, local channel, binary codec', await median(() => sameThread(n, 'binary'))]);
  rows.push(['two workers, MessagePort, msgpack', await median(() => betweenWorkers(n, 'msgpack'))]);
  rows.push(['two workers, MessagePort, binary codec', await median(() => betweenWorkers(n, 'binary'))]);
  const size = new Packr({ sequential: true }).pack(makeBid(123)).length;
  console.log(`records: ${n} Nexmark-like bids (${size} bytes as msgpack), median of 3 runs`);
  for (const [name, rate] of rows) console.log(`${name.padEnd(50)} ${(rate / 1e6).toFixed(2).padStart(6)} M rec/s`);
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
} else {
  runWorker(workerData as WorkerArgs).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
