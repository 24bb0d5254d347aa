/** Levenshtein distance (insert, delete, substitute each cost 1), two rows of memory. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known keys closest to a mistyped one, best first. Case is ignored because
 * `taskmanager.numberoftaskslots` is a typo of the camel-cased key, not a different key. The
 * threshold grows with the key's length so long keys with a wrong segment still get a suggestion,
 * while short unrelated keys get none.
 */
export function suggestKeys(key: string, known: Iterable<string>, limit = 3): string[] {
  const wanted = key.toLowerCase();
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  const scored: Array<[string, number]> = [];
  for (const candidate of known) {
    const d = editDistance(wanted, candidate.toLowerCase());
    if (d <= threshold) scored.push([candidate, d]);
  }
  scored.sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return scored.slice(0, limit).map(([k]) => k);
}
