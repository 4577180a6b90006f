// Counts in words ("1 asset", "2 assets"), shared by the CLI and the extension.

/** `n` and its noun: the singular for exactly 1, else the plural (the singular plus "s" unless given). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}
