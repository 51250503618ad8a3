/**
 * A count and its noun, agreeing: "1 read", "2 reads", "0 frames". Every count
 * the page shows in words goes through here, so none says "1 reads".
 */

/** Options for {@link plural}. */
export interface PluralOptions {
  /** The plural form, when it is not `word` + "s". */
  readonly many?: string;
  /** Group thousands ("4,096"); plain digits otherwise. */
  readonly grouped?: boolean;
}

/** `n` and `word`, the noun in the plural unless `n` is 1. */
export function plural(n: number, word: string, options: PluralOptions = {}): string {
  const shown = options.grouped === true ? n.toLocaleString("en") : String(n);
  return `${shown} ${n === 1 ? word : (options.many ?? `${word}s`)}`;
}
