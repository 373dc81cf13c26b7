// A count with its noun in the right number, for what the scripts print: "1 API request",
// "3 API requests", "1 output lost" / "2 outputs lost".

/** `count` followed by `singular` when it is 1, else by `plural` (`singular` + "s" by default). */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
