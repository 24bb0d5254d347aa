/**
 * The word count of the word-count bench (issue 16) as JavaScript users write it without Flott, one
 * way per process: `node word-count-peers.js <loop|rxjs|streams> <file>`. Each reads the file, splits
 * lines into words with the word-count example's tokenizer, counts per word and prints one
 * `["word",count]` line per word, as the example's print sink does at parallelism 1.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from, lastValueFrom, mergeMap, reduce } from 'rxjs';

/** The example's tokenizer (examples/word-count/word-count.ts). */
const SEPARATOR = /[^\p{L}\p{N}]+/u;

function tokens(line: string): string[] {
  return line.toLowerCase().split(SEPARATOR).filter((w) => w.length > 0);
}

function print(counts: ReadonlyMap<string, number>): void {
  const lines: string[] = [];
  for (const [word, count] of counts) lines.push(JSON.stringify([word, count]));
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** A plain loop over the file's lines. */
function loop(file: string): void {
  const counts = new Map<string, number>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    for (const word of line.toLowerCase().split(SEPARATOR)) if (word.length > 0) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  print(counts);
}

/** RxJS: lines → words (mergeMap) → a reduce into a Map, as its docs show a count. */
async function rxjs(file: string): Promise<void> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const counts = await lastValueFrom(
    from(lines).pipe(
      mergeMap((line) => tokens(line)),
      reduce((acc, word) => acc.set(word, (acc.get(word) ?? 0) + 1), new Map<string, number>()),
    ),
  );
  print(counts);
}

/** Node streams: a file stream through readline, a tokenizing object-mode Transform and a counting Writable. */
async function streams(file: string): Promise<void> {
  const counts = new Map<string, number>();
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  const tokenizer = new Transform({
    objectMode: true,
    transform(line: string, _encoding, callback) {
      for (const word of tokens(line)) this.push(word);
      callback();
    },
  });
  const counter = new Writable({
    objectMode: true,
    write(word: string, _encoding, callback) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
      callback();
    },
  });
  await pipeline(lines, tokenizer, counter);
  print(counts);
}

async function main(): Promise<void> {
  const [way, file] = process.argv.slice(2);
  if (!file) throw new Error('usage: word-count-peers <loop|rxjs|streams> <file>');
  if (way === 'loop') loop(file);
  else if (way === 'rxjs') await rxjs(file);
  else if (way === 'streams') await streams(file);
  else throw new Error(`unknown way '${way}': loop, rxjs or streams`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
