/**
 * The hand-written floor of the latency bench (issue 16): the latency job's shape without the engine.
 * Two senders each create half of the events at half the rate, paced by timers as the rate-limited
 * generator is (what is due when they wake, stamped then), and append them to one batch per receiver
 * (a Float64Array of the network buffer's 32 KiB: index and creation time); a batch goes out when it
 * is full, or when the buffer timeout passed since the last flush (at once with 0). Two receivers
 * count latencies (now − created) in 10 µs buckets, leaving out what was created in the warm-up.
 * Across threads: four worker threads, a MessagePort per sender and receiver, batches transferred.
 * Across processes: four child processes, a loopback TCP connection per sender and receiver (no
 * Nagle), batches length-prefixed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

export type BaselineTransport = 'threads' | 'processes';

export interface BaselineOptions {
  readonly transport: BaselineTransport;
  readonly events: number;
  /** Events per second over both senders. */
  readonly rate: number;
  readonly bufferTimeoutMs: number;
  /** Events created within this long after the first one a receiver sees are not counted. */
  readonly warmupMs: number;
  readonly bucketMs: number;
  /** Bound on the whole run. */
  readonly timeoutMs: number;
}

const SENDERS = 2;
const RECEIVERS = 2;
/** Events per batch: 32 KiB of (index, created) pairs, the engine's buffer size. */
const BATCH_EVENTS = 2048;

/**
 * The sender's loop; `send(receiver, batch)` and `end()` come from the transport's prelude, which
 * defines `config` ({ sender, events, rate, bufferTimeoutMs }) and calls `run()` once connected.
 */
const SENDER_LOOP = `
  const now = () => performance.timeOrigin + performance.now();
  const BATCH = ${BATCH_EVENTS};
  function run() {
    const { sender, events, rate, bufferTimeoutMs } = config;
    const mine = Math.floor(events / ${SENDERS}) + (sender < events % ${SENDERS} ? 1 : 0);
    const perMs = rate / ${SENDERS} / 1000;
    const batches = [];
    const fill = [];
    for (let r = 0; r < ${RECEIVERS}; r++) { batches.push(new Float64Array(2 * BATCH)); fill.push(0); }
    const post = (r) => { send(r, batches[r].subarray(0, 2 * fill[r])); batches[r] = new Float64Array(2 * BATCH); fill[r] = 0; };
    const flush = () => { for (let r = 0; r < ${RECEIVERS}; r++) if (fill[r] > 0) post(r); };
    const start = performance.now();
    let made = 0;
    let lastFlush = start;
    const wake = () => {
      const t = performance.now();
      const due = Math.min(mine, Math.floor((t - start) * perMs) + 1);
      for (; made < due; made++) {
        const index = made * ${SENDERS} + sender;
        const r = (index % 1000) % ${RECEIVERS};
        const b = batches[r];
        b[2 * fill[r]] = index;
        b[2 * fill[r] + 1] = now();
        if (++fill[r] === BATCH) post(r);
      }
      const after = performance.now();
      if (made === mine) { flush(); end(); return; }
      if (bufferTimeoutMs === 0 || after - lastFlush >= bufferTimeoutMs) { flush(); lastFlush = after; }
      const nextDue = start + made / perMs;
      const next = bufferTimeoutMs === 0 ? nextDue : Math.min(nextDue, lastFlush + bufferTimeoutMs);
      setTimeout(wake, Math.max(0, Math.ceil(next - after)));
    };
    wake();
  }`;

/**
 * The receiver's counting; `done(buckets)` comes from the prelude, which defines `config`
 * ({ bucketMs, warmupMs }) and calls `onBatch(Float64Array)` per batch and `onEnd()` per sender.
 */
const RECEIVER_COUNT = `
  const now = () => performance.timeOrigin + performance.now();
  const buckets = new Map();
  let firstCreated;
  let ended = 0;
  function onBatch(batch) {
    const t = now();
    for (let i = 0; i < batch.length; i += 2) {
      const created = batch[i + 1];
      if (firstCreated === undefined) firstCreated = created;
      if (created < firstCreated + config.warmupMs) continue;
      const b = Math.max(0, Math.floor((t - created) / config.bucketMs));
      buckets.set(b, (buckets.get(b) ?? 0) + 1);
    }
  }
  function onEnd() { if (++ended === ${SENDERS}) done([...buckets]); }`;

const THREAD_SENDER = `
  const { workerData } = require('node:worker_threads');
  const config = workerData;
  const send = (r, batch) => config.ports[r].postMessage(batch, [batch.buffer]);
  const end = () => { for (const p of config.ports) { p.postMessage(null); p.close(); } };
  ${SENDER_LOOP}
  run();`;

const THREAD_RECEIVER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const config = workerData;
  const done = (buckets) => { parentPort.postMessage(buckets); for (const p of config.ports) p.close(); };
  ${RECEIVER_COUNT}
  for (const p of config.ports) p.on('message', (m) => (m === null ? onEnd() : onBatch(m)));`;

/** Frames: u32 byte length, then the batch's bytes; length 0 ends the sender's stream. */
const PROCESS_SENDER = `
  const net = require('node:net');
  const config = JSON.parse(process.argv[1]);
  const sockets = config.ports.map((port) => net.connect(port, '127.0.0.1'));
  const send = (r, batch) => {
    const frame = Buffer.allocUnsafe(4 + batch.byteLength);
    frame.writeUInt32LE(batch.byteLength, 0);
    Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength).copy(frame, 4);
    sockets[r].write(frame);
  };
  const end = () => { for (const s of sockets) s.end(Buffer.alloc(4)); };
  ${SENDER_LOOP}
  let connected = 0;
  for (const s of sockets) { s.setNoDelay(true); s.once('connect', () => { if (++connected === sockets.length) run(); }); }`;

const PROCESS_RECEIVER = `
  const net = require('node:net');
  const config = JSON.parse(process.argv[1]);
  const done = (buckets) => process.send(buckets, () => process.exit(0));
  ${RECEIVER_COUNT}
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const n = pending.readUInt32LE(0);
        if (n === 0) { pending = pending.subarray(4); onEnd(); continue; }
        if (pending.length < 4 + n) break;
        const bytes = new Uint8Array(n);
        bytes.set(pending.subarray(4, 4 + n));
        pending = pending.subarray(4 + n);
        onBatch(new Float64Array(bytes.buffer));
      }
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));`;

/** Adds a histogram's [bucket, count] pairs into `histogram`. */
export function addBuckets(histogram: Map<number, number>, buckets: Iterable<readonly [number, number]>): void {
  for (const [bucket, n] of buckets) histogram.set(bucket, (histogram.get(bucket) ?? 0) + n);
}

/** The histogram ([bucket, count] pairs) of both receivers. */
export async function baselineLatency(opts: BaselineOptions): Promise<Map<number, number>> {
  const receiverConfig = { bucketMs: opts.bucketMs, warmupMs: opts.warmupMs };
  const senderConfig = (sender: number) => ({ sender, events: opts.events, rate: opts.rate, bufferTimeoutMs: opts.bufferTimeoutMs });
  const run = opts.transport === 'threads' ? runThreads : runProcesses;
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the ${opts.transport} latency baseline did not finish within ${opts.timeoutMs} ms`)), opts.timeoutMs);
  });
  const stoppers: Array<() => Promise<unknown>> = [];
  try {
    const parts = await Promise.race([run(receiverConfig, senderConfig, stoppers), bound]);
    const histogram = new Map<number, number>();
    for (const part of parts) addBuckets(histogram, part);
    return histogram;
  } finally {
    clearTimeout(timer);
    await Promise.all(stoppers.map((stop) => stop()));
  }
}

type SenderConfig = (sender: number) => Record<string, number>;
type Histograms = Promise<Array<Array<[number, number]>>>;

async function runThreads(receiverConfig: Record<string, number>, senderConfig: SenderConfig, stoppers: Array<() => Promise<unknown>>): Histograms {
  const channels = Array.from({ length: SENDERS }, () => Array.from({ length: RECEIVERS }, () => new MessageChannel()));
  const worker = (source: string, workerData: Record<string, unknown>, transfer: MessagePort[]): Worker => {
    const w = new Worker(source, { eval: true, workerData, transferList: transfer });
    stoppers.push(() => w.terminate());
    return w;
  };
  const results = Array.from({ length: RECEIVERS }, (_, r) => {
    const ports = channels.map((row) => row[r].port2);
    const w = worker(THREAD_RECEIVER, { ...receiverConfig, ports }, ports);
    return new Promise<Array<[number, number]>>((resolve, reject) => w.once('message', resolve).once('error', reject));
  });
  for (let s = 0; s < SENDERS; s++) {
    const ports = channels[s].map((c) => c.port1);
    worker(THREAD_SENDER, { ...senderConfig(s), ports }, ports);
  }
  return Promise.all(results);
}

async function runProcesses(receiverConfig: Record<string, number>, senderConfig: SenderConfig, stoppers: Array<() => Promise<unknown>>): Histograms {
  const child = (source: string, config: Record<string, unknown>): ChildProcess => {
    const c = fork('-e', [source, JSON.stringify(config)], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    stoppers.push(async () => {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
    return c;
  };
  const receivers = Array.from({ length: RECEIVERS }, () => {
    const c = child(PROCESS_RECEIVER, receiverConfig);
    let listening!: (port: number) => void;
    const port = new Promise<number>((resolve) => (listening = resolve));
    const buckets = new Promise<Array<[number, number]>>((resolve, reject) => {
      c.on('message', (m: { port: number } | Array<[number, number]>) => (Array.isArray(m) ? resolve(m) : listening(m.port)));
      c.once('exit', (code) => reject(new Error(`a latency baseline receiver exited (${String(code)}) before it answered`)));
    });
    return { port, buckets };
  });
  const ports = await Promise.all(receivers.map((r) => r.port));
  for (let s = 0; s < SENDERS; s++) child(PROCESS_SENDER, { ...senderConfig(s), ports });
  return Promise.all(receivers.map((r) => r.buckets));
}
