/**
 * Word count (FLOTT_BENCH_ONLY=word-count, issue 16): the word-count example (examples/word-count) over a
 * generated file of FLOTT_BENCH_WORDS words (default 10 M: `w<i%100> w<i%7> a b c d e f g h` per line)
 * through `flott run` at p=1 and p=2, and in the same run, each in its own node process, the same count
 * by a hand-written loop, by RxJS and by Node object-mode streams (word-count-peers.ts). Every result
 * is checked against the expected counts. Rounds alternate the five; figures are the medians of the
 * processes' wall times (start, read, count, print), as a user times `flott run` against `node count.js`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtRate, median, REPEATS, REPO_ROOT } from './run-job';

const WORDS = Number(process.env.FLOTT_BENCH_WORDS ?? 10_000_000);
const WORDS_PER_LINE = 10;
const FLOTT = path.join(REPO_ROOT, 'packages/cli/bin/flott.js');
const PEERS = path.join(__dirname, 'word-count-peers.js');

type Way = 'flott p=1' | 'flott p=2' | 'loop' | 'rxjs' | 'node streams';
const WAYS: readonly Way[] = ['loop', 'flott p=1', 'flott p=2', 'rxjs', 'node streams'];

export interface WordCountFigures {
  readonly wordCount: { readonly words: number; readonly wallMs: Record<Way, number[]> };
}

/** Writes the input and returns the counts it must give. */
function writeInput(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (w: string) => counts.set(w, (counts.get(w) ?? 0) + 1);
  const fd = fs.openSync(file, 'w');
  let chunk: string[] = [];
  for (let i = 0; i < WORDS / WORDS_PER_LINE; i++) {
    const a = `w${i % 100}`;
    const b = `w${i % 7}`;
    add(a);
    add(b);
    for (const w of 'abcdefgh') add(w);
    chunk.push(`${a} ${b} a b c d e f g h`);
    if (chunk.length === 10_000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
  return counts;
}

function commandOf(way: Way, file: string): string[] {
  switch (way) {
    case 'flott p=1':
    case 'flott p=2':
      return [FLOTT, 'run', '-q', '-p', way.slice(-1), 'examples/word-count/word-count.ts', '--input', file];
    case 'loop':
      return [PEERS, 'loop', file];
    case 'rxjs':
      return [PEERS, 'rxjs', file];
    case 'node streams':
      return [PEERS, 'streams', file];
  }
}

/** Runs one way; returns its wall time after checking its output (`["word",n]` lines, a `k> ` subtask prefix at p=2). */
function runWay(way: Way, file: string, expected: ReadonlyMap<string, number>): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, commandOf(way, file), { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 600_000 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`word count (${way}) failed with ${r.status}: ${r.stderr.slice(-2000)}`);
  const got = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    if (line.length === 0) continue;
    const [word, count] = JSON.parse(line.replace(/^\d+> /, '')) as [string, number];
    if (got.has(word)) throw new Error(`word count (${way}) printed '${word}' twice`);
    got.set(word, count);
  }
  const wrong = [...expected].filter(([w, n]) => got.get(w) !== n);
  if (wrong.length > 0 || got.size !== expected.size) {
    throw new Error(`word count (${way}) is wrong: ${got.size} words, expected ${expected.size}; e.g. ${JSON.stringify(wrong.slice(0, 3).map(([w, n]) => [w, n, got.get(w)]))}`);
  }
  return ms;
}

export async function runWordCountBench(): Promise<WordCountFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-word-count-'));
  try {
    const file = path.join(dir, 'words.txt');
    const expected = writeInput(file);
    process.stderr.write(`bench word-count: ${WORDS / 1e6} M words (${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB), ${REPEATS} rounds\n`);
    const wallMs = Object.fromEntries(WAYS.map((w) => [w, [] as number[]])) as Record<Way, number[]>;
    for (let round = 0; round < REPEATS; round++) for (const way of WAYS) wallMs[way].push(runWay(way, file, expected));
    const loop = median(wallMs.loop);
    const p1 = median(wallMs['flott p=1']);
    process.stdout.write(`\n| word count, ${WORDS / 1e6} M words (median wall time of ${REPEATS}) | time | words/s | the loop's time / this | target |\n|---|---|---|---|---|\n`);
    const targets: Record<Way, string> = {
      'loop': 'baseline',
      'flott p=1': '≥ 35 % of the loop, ahead of RxJS',
      'flott p=2': `≥ 1.6× p=1 (now ${(p1 / median(wallMs['flott p=2'])).toFixed(2)}×)`,
      'rxjs': '',
      'node streams': '',
    };
    for (const way of WAYS) {
      const ms = median(wallMs[way]);
      process.stdout.write(`| ${way} | ${ms.toFixed(0)} ms | ${fmtRate(WORDS / (ms / 1000))} | ${((loop / ms) * 100).toFixed(1)} % | ${targets[way]} |\n`);
    }
    return { wordCount: { words: WORDS, wallMs } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
