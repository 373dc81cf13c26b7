// Words for messages: counts in prose ("1 backup", "2 backups", never "1 backups"), text cut to
// a length, the names closest to a misspelt one.

/** `text` cut to `max` characters at most, "..." marking the cut. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** "1 backup", "3 backups"; `plural` for nouns that do not just take an s. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(
        substitution,
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * `names` with the closest to any of `wanted` first (case ignored), then alphabetically: what a
 * user most likely meant comes first in a "does not exist" message.
 */
export function closestFirst(wanted: readonly string[], names: readonly string[]): string[] {
  const score = (name: string): number =>
    Math.min(...wanted.map((w) => distance(w.toLowerCase(), name.toLowerCase())));
  return [...names].sort((a, b) => score(a) - score(b) || (a < b ? -1 : a > b ? 1 : 0));
}
