// Counts in prose: "1 backup", "2 backups", never "1 backups".

/** "1 backup", "3 backups"; `plural` for nouns that do not just take an s. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
