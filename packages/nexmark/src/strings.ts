import { EventRandom } from './random';

export const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'] as const;
export const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'] as const;
export const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'] as const;
export const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'] as const;
export const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'] as const;
export const CHANNELS = 10_000;

/** Every "first last" combination, built once: a person's name costs no concatenation. */
export const FULL_NAMES: readonly string[] = FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => flat(`${first} ${last}`)));

const HOT_URLS = HOT_CHANNELS.map((c) => flat(`https://www.nexmark.com/${c.toLowerCase()}/item.htm?query=1`));
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A flat (sequential) copy of an ASCII string. Strings built by concatenation are chains of cons
 * strings, one heap object per `+`: the pools below would otherwise hold ~200 000 objects per thread,
 * which every major garbage collection marks again, and serialisers would flatten on every read.
 */
function flat(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

function randomWord(random: EventRandom, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += LETTERS[random.nextInt(26)];
  return flat(s);
}

/**
 * Random-looking strings (item names, descriptions, e-mail addresses, card numbers) are drawn from
 * fixed pools built once from a fixed seed: per-event string building would cost more than the
 * rest of the generator, and an event picks its pool entry with its own per-id randomness.
 */
export const POOL_SIZE = 1024;

function pool(seed: number, make: (random: EventRandom) => string): readonly string[] {
  const random = new EventRandom();
  random.seed(seed);
  const out: string[] = [];
  for (let i = 0; i < POOL_SIZE; i++) out.push(make(random));
  return out;
}

let itemNames: readonly string[] | undefined;
let descriptions: readonly string[] | undefined;
let emails: readonly string[] | undefined;
let creditCards: readonly string[] | undefined;

export function itemNamePool(): readonly string[] {
  return (itemNames ??= pool(-1, (r) => randomWord(r, 20)));
}

export function descriptionPool(): readonly string[] {
  return (descriptions ??= pool(-2, (r) => randomWord(r, 100)));
}

export function emailPool(): readonly string[] {
  return (emails ??= pool(-3, (r) => flat(`${randomWord(r, 7)}@${randomWord(r, 5)}.com`)));
}

export function creditCardPool(): readonly string[] {
  const digits = (r: EventRandom): string => String(1000 + r.nextInt(9000));
  return (creditCards ??= pool(-4, (r) => flat(`${digits(r)} ${digits(r)} ${digits(r)} ${digits(r)}`)));
}

const channelNames: string[] = [];
const channelUrls: string[] = [];

/** Channel `i` of the 4 hot ones (i < 0 is not used) or of the 10 000 generated ones, with its fixed url. */
export function hotChannel(i: number): string {
  return HOT_CHANNELS[i];
}

export function hotChannelUrl(i: number): string {
  return HOT_URLS[i];
}

export function channelName(i: number): string {
  return channelNames[i] ?? fillChannel(i).name;
}

export function channelUrl(i: number): string {
  return channelUrls[i] ?? fillChannel(i).url;
}

function fillChannel(i: number): { name: string; url: string } {
  const random = new EventRandom();
  random.seed(-1000 - i);
  const name = flat(`channel-${i}`);
  const url = flat(`https://www.nexmark.com/${randomWord(random, 5)}/${randomWord(random, 5)}/${randomWord(random, 5)}/item.htm?query=1&channel_id=${i}`);
  channelNames[i] = name;
  channelUrls[i] = url;
  return { name, url };
}

const paddings: string[] = [];
let paddingSource = '';

/** A padding string of exactly `length` characters; one shared string per length. */
export function padding(length: number): string {
  const cached = paddings[length];
  if (cached !== undefined) return cached;
  if (paddingSource.length < length) {
    const random = new EventRandom();
    random.seed(-5);
    paddingSource = randomWord(random, Math.max(1024, length * 2));
  }
  // A flat copy, not a slice of the source string: serialisers then see a plain sequential string.
  const made = flat(paddingSource.slice(0, length));
  paddings[length] = made;
  return made;
}
